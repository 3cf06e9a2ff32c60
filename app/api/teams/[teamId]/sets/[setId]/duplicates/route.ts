// GET /api/teams/:teamId/sets/:setId/duplicates - near-duplicate groups with their suggested keeper (viewer+)
import { route } from "@/lib/http";
import { listDuplicateGroupIds } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (_req, { teamId, setId }) => {
  const { team } = await requireTeamRole(teamId, "VIEWER");
  return { groups: await listDuplicateGroupIds(team.id, setId) };
});
