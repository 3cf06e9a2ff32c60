// GET /api/teams/:teamId/sets/:setId/analysis/results - one page of the results grid, filtered, searched (?q=) and sorted in SQL (viewer+); ?select=ids: every matching id (up to 5,000) for "select all"
import { id, route } from "@/lib/http";
import { BULK_MAX, listSetPhotos, matchingPhotoIds, photoQuerySchema, setCategories } from "@/lib/organize";
import { getSetOr404 } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (req, { params: { teamId, setId } }) => {
  const params = req.nextUrl.searchParams;
  const q = photoQuerySchema.parse(Object.fromEntries(params));
  await getSetOr404(teamId, setId);
  if (params.get("select") === "ids") return { ids: await matchingPhotoIds(teamId, setId, q, BULK_MAX) };
  const [page, categories] = await Promise.all([listSetPhotos(teamId, setId, q), setCategories(teamId, setId)]);
  return { ...page, categories };
});
