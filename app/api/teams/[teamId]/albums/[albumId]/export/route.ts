// GET /api/teams/:teamId/albums/:albumId/export?ratio=4:5 - the album as a streamed ZIP (viewer+)
import { id, route } from "@/lib/http";
import { zipResponse } from "@/lib/export";

export const GET = route({ role: "VIEWER", params: { albumId: id } }, async (req, { params: { teamId, albumId } }) => {
  return zipResponse(req, teamId, { albumId });
});
