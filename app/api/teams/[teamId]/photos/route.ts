// GET /api/teams/:teamId/photos?q=&category=&... - search and filter the photos of every set of the team, one page (viewer+); ?select=ids: every matching id (up to 5,000) for "select all"
// POST /api/teams/:teamId/photos - { action: remove|keeper|reanalyse|rate|flag, photoIds, ... } on many photos at once (member+)
import { readJson, route } from "@/lib/http";
import { BULK_MAX, bulkActionSchema, bulkPhotoAction, listPhotos, matchingPhotoIds, photoQuerySchema } from "@/lib/organize";

export const GET = route({ role: "VIEWER" }, async (req, { params: { teamId } }) => {
  const params = req.nextUrl.searchParams;
  const q = photoQuerySchema.parse(Object.fromEntries(params));
  if (params.get("select") === "ids") return { ids: await matchingPhotoIds(teamId, null, q, BULK_MAX) };
  return listPhotos(teamId, null, q);
});

export const POST = route({ role: "MEMBER" }, async (req, { params: { teamId } }) => {
  return bulkPhotoAction(teamId, await readJson(req, bulkActionSchema));
});
