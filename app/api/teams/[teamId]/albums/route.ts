// GET /api/teams/:teamId/albums - every album of the team (viewer+)
// POST /api/teams/:teamId/albums - a custom album or carousel { name, kind, setId?, photoIds, suggestOrder } (member+)
import { readJson, route } from "@/lib/http";
import { createAlbum, createAlbumSchema, listAlbums } from "@/lib/organize";
import { requireTeamRole } from "@/lib/teams";

type P = { teamId: string };

export const GET = route<P>(async (_req, { teamId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return { albums: await listAlbums(teamId) };
});

export const POST = route<P>(async (req, { teamId }) => {
  await requireTeamRole(teamId, "MEMBER");
  return createAlbum(teamId, await readJson(req, createAlbumSchema));
});
