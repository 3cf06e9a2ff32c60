// GET /api/teams/:teamId/sets/:setId/photos?cursor=&limit=&state= - a page of the set's photos (viewer+).
// Cheap enough to poll: one indexed query, no joins.
import { route } from "@/lib/http";
import { listPhotos, photoListQuery } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (req, { teamId, setId }) => {
  const { team } = await requireTeamRole(teamId, "VIEWER");
  const q = photoListQuery.parse(Object.fromEntries(req.nextUrl.searchParams));
  return listPhotos(team.id, setId, q);
});
