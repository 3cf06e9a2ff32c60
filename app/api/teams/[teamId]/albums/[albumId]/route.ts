// GET /api/teams/:teamId/albums/:albumId - the album with its photos in order (viewer+)
// PATCH /api/teams/:teamId/albums/:albumId - { name? } | { order: photoIds } | { suggestOrder: true } (member+)
// DELETE /api/teams/:teamId/albums/:albumId - a custom album or carousel (member+)
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { applySuggestedOrder, deleteAlbum, getAlbum, renameAlbum, reorderAlbum } from "@/lib/organize";

export const GET = route({ role: "VIEWER", params: { albumId: id } }, async (_req, { params: { teamId, albumId } }) => {
  return getAlbum(teamId, albumId);
});

const patch = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  order: z.array(z.string().min(1).max(40)).max(10_000).optional(),
  suggestOrder: z.literal(true).optional(),
});

export const PATCH = route({ role: "MEMBER", params: { albumId: id } }, async (req, { params: { teamId, albumId } }) => {
  const b = await readJson(req, patch);
  if (b.name) await renameAlbum(teamId, albumId, b.name);
  if (b.order) await reorderAlbum(teamId, albumId, b.order);
  if (b.suggestOrder) await applySuggestedOrder(teamId, albumId);
  return getAlbum(teamId, albumId);
});

export const DELETE = route({ role: "MEMBER", params: { albumId: id } }, async (_req, { params: { teamId, albumId } }) => {
  await deleteAlbum(teamId, albumId);
  return { ok: true };
});
