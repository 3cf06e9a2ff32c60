// GET /api/teams/:teamId - the team and my role in it (viewer+)
import { route } from "@/lib/http";

export const GET = route({ role: "VIEWER" }, async (_req, { team, role }) => {
  return { team, role };
});
