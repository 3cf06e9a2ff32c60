// GET /api/teams/:teamId/albums/:albumId/shares - the album's share links (viewer+)
// POST /api/teams/:teamId/albums/:albumId/shares - a new link { expiresInDays?, password?, allowDownload, includeNames }; the token is shown once (member+)
import { id, readJson, route } from "@/lib/http";
import { createShareLink, createShareSchema, listShareLinks } from "@/lib/share";

export const GET = route({ role: "VIEWER", params: { albumId: id } }, async (_req, { params: { teamId, albumId } }) => {
  return { links: await listShareLinks(teamId, albumId) };
});

export const POST = route({ role: "MEMBER", params: { albumId: id } }, async (req, { params: { teamId, albumId }, user }) => {
  const input = await readJson(req, createShareSchema);
  return createShareLink(teamId, user.id, albumId, input);
});
