// GET /api/teams/:teamId/sets/:setId/duplicates - near-duplicate groups with their suggested keeper (viewer+)
// POST /api/teams/:teamId/sets/:setId/duplicates - "keep this one": { groupId, photoId } (member+)
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { chooseKeeper } from "@/lib/organize";
import { listDuplicateGroupIds } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { setId: id } }, async (_req, { params: { setId }, team }) => {
  return { groups: await listDuplicateGroupIds(team.id, setId) };
});

const body = z.object({ groupId: z.string().min(1).max(40), photoId: z.string().min(1).max(40) });

export const POST = route({ role: "MEMBER", params: { setId: id } }, async (req, { params: { teamId } }) => {
  const { groupId, photoId } = await readJson(req, body);
  await chooseKeeper(teamId, groupId, photoId);
  return { ok: true };
});
