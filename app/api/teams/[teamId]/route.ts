// GET /api/teams/:teamId - the team and my role in it (viewer+)
import { route } from "@/lib/http";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string }>(async (_req, { teamId }) => {
  const { team, role } = await requireTeamRole(teamId, "VIEWER");
  return { team, role };
});
