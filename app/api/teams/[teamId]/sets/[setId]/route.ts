// GET /api/teams/:teamId/sets/:setId - the set with counts by photo state (viewer+)
// DELETE /api/teams/:teamId/sets/:setId - the set, its photos, albums and share links; stored files no other photo needs (member+)
import { id, route } from "@/lib/http";
import { deleteSet, getSetOr404, setProgress } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { setId }, team }) => {
  const set = await getSetOr404(team.id, setId);
  return { set, progress: await setProgress(team.id, set.id) };
});

export const DELETE = route({ role: "MEMBER", params: { setId: id } }, async (_req, { params: { setId }, team }) => {
  return deleteSet(team.id, setId);
});
