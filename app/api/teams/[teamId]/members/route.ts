// GET /api/teams/:teamId/members - members and their roles (viewer+)
import { route } from "@/lib/http";
import { listMembers, requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string }>(async (_req, { teamId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return { members: await listMembers(teamId) };
});
