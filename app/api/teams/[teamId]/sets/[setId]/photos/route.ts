// GET /api/teams/:teamId/sets/:setId/photos?cursor=&limit=&state= - a page of the set's photos (viewer+).
// Cheap enough to poll: one indexed query, no joins.
import { id, route } from "@/lib/http";
import { listPhotos, photoListQuery } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (req, { params: { setId }, team }) => {
  const q = photoListQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  return listPhotos(team.id, setId, q);
});
