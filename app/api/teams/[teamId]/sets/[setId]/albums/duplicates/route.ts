// GET /api/teams/:teamId/sets/:setId/albums/duplicates - near-duplicate groups with their keeper (viewer+)
// POST /api/teams/:teamId/sets/:setId/albums/duplicates - "keep this one": { groupId, photoId } (member+)
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { chooseKeeper, listDuplicateGroups } from "@/lib/organize";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { teamId, setId } }) => {
  return { groups: await listDuplicateGroups(teamId, setId) };
});

const body = z.object({ groupId: z.string().min(1).max(40), photoId: z.string().min(1).max(40) });

export const POST = route({ role: "MEMBER", params: { setId: id } }, async (req, { params: { teamId } }) => {
  const { groupId, photoId } = await readJson(req, body);
  await chooseKeeper(teamId, groupId, photoId);
  return { ok: true };
});
