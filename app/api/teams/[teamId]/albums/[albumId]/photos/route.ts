// POST /api/teams/:teamId/albums/:albumId/photos - add { photoIds } to a custom album or carousel (member+)
// DELETE /api/teams/:teamId/albums/:albumId/photos?photoId=... - take one out (member+)
import { z } from "zod";
import { badRequest } from "@/lib/errors";
import { id, readJson, route } from "@/lib/http";
import { addPhotosToAlbum, removePhotoFromAlbum } from "@/lib/organize";

const body = z.object({ photoIds: z.array(z.string().min(1).max(40)).min(1).max(1000) });

export const POST = route({ role: "MEMBER", params: { albumId: id } }, async (req, { params: { teamId, albumId } }) => {
  const { photoIds } = await readJson(req, body);
  return { count: await addPhotosToAlbum(teamId, albumId, photoIds) };
});

export const DELETE = route({ role: "MEMBER", params: { albumId: id } }, async (req, { params: { teamId, albumId } }) => {
  const photoId = req.nextUrl.searchParams.get("photoId");
  if (!photoId) throw badRequest("Say which photo: ?photoId=...");
  await removePhotoFromAlbum(teamId, albumId, photoId);
  return { ok: true };
});
