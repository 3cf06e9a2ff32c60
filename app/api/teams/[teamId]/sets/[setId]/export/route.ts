// GET /api/teams/:teamId/sets/:setId/export?ratio=4:5 - the whole set as a streamed ZIP, a folder per album (viewer+)
import { id, route } from "@/lib/http";
import { zipResponse } from "@/lib/export";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (req, { params: { teamId, setId } }) => {
  return zipResponse(req, teamId, { setId });
});
