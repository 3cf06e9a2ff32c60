// GET /api/teams/:teamId/sets/:setId/analysis/results - one page of the results grid, filtered and sorted in SQL (viewer+)
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http";
import { listSetPhotos, photoQuerySchema, setCategories } from "@/lib/organize";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; setId: string }>(async (req, { teamId, setId }) => {
  await requireTeamRole(teamId, "VIEWER");
  const q = photoQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  const set = await db().photoSet.findFirst({ where: { id: setId, teamId }, select: { id: true } });
  if (!set) throw notFound("Photo set not found");
  const [page, categories] = await Promise.all([listSetPhotos(teamId, setId, q), setCategories(teamId, setId)]);
  return { ...page, categories };
});
