// GET /api/teams/:teamId/sets/:setId/albums/duplicates - near-duplicate groups with their keeper (viewer+)
// POST /api/teams/:teamId/sets/:setId/albums/duplicates - "keep this one": { groupId, photoId } (member+)
import { z } from "zod";
import { readJson, route } from "@/lib/http";
import { chooseKeeper, listDuplicateGroups } from "@/lib/organize";
import { requireTeamRole } from "@/lib/teams";

type P = { teamId: string; setId: string };

export const GET = route<P>(async (_req, { teamId, setId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return { groups: await listDuplicateGroups(teamId, setId) };
});

const body = z.object({ groupId: z.string().min(1).max(40), photoId: z.string().min(1).max(40) });

export const POST = route<P>(async (req, { teamId }) => {
  await requireTeamRole(teamId, "MEMBER");
  const { groupId, photoId } = await readJson(req, body);
  await chooseKeeper(teamId, groupId, photoId);
  return { ok: true };
});
