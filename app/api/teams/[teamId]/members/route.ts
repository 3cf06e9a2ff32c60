// GET /api/teams/:teamId/members - members and their roles (viewer+)
import { route } from "@/lib/http";
import { listMembers } from "@/lib/teams";

export const GET = route({ role: "VIEWER" }, async (_req, { params: { teamId } }) => {
  return { members: await listMembers(teamId) };
});
