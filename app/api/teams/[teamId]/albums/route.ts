// GET /api/teams/:teamId/albums - every album of the team (viewer+)
// POST /api/teams/:teamId/albums - a custom album or carousel { name, kind, setId?, photoIds, suggestOrder } (member+)
import { readJson, route } from "@/lib/http";
import { createAlbum, createAlbumSchema, listAlbums } from "@/lib/organize";

export const GET = route({ role: "VIEWER" }, async (_req, { params: { teamId } }) => {
  return { albums: await listAlbums(teamId) };
});

export const POST = route({ role: "MEMBER" }, async (req, { params: { teamId } }) => {
  return createAlbum(teamId, await readJson(req, createAlbumSchema));
});
