// GET /api/teams/:teamId/sets/:setId/albums - the set's albums as last brought up to date (viewer+)
import { id, route } from "@/lib/http";
import { listAlbums } from "@/lib/organize";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { teamId, setId } }) => {
  return { albums: await listAlbums(teamId, setId) };
});
