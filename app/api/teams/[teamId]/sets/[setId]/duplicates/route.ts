// GET /api/teams/:teamId/sets/:setId/duplicates - near-duplicate groups with their suggested keeper (viewer+)
import { id, route } from "@/lib/http";
import { listDuplicateGroupIds } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { setId }, team }) => {
  return { groups: await listDuplicateGroupIds(team.id, setId) };
});
