// GET /api/teams/:teamId/sets/:setId - the set with counts by photo state (viewer+)
// DELETE /api/teams/:teamId/sets/:setId - the set, its photos, albums and share links; stored files no other photo needs (member+)
import { route } from "@/lib/http";
import { deleteSet, getSetOr404, setProgress } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (_req, { teamId, setId }) => {
  const { team } = await requireTeamRole(teamId, "VIEWER");
  const set = await getSetOr404(team.id, setId);
  return { set, progress: await setProgress(team.id, set.id) };
});

export const DELETE = route<{ teamId: string; setId: string }>(async (_req, { teamId, setId }) => {
  const { team } = await requireTeamRole(teamId, "MEMBER");
  return deleteSet(team.id, setId);
});
