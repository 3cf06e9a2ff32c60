// GET /api/teams/:teamId/albums/:albumId/shares - the album's share links (viewer+)
// POST /api/teams/:teamId/albums/:albumId/shares - a new link { expiresInDays?, password?, allowDownload, includeNames }; the token is shown once (member+)
import { readJson, route } from "@/lib/http";
import { createShareLink, createShareSchema, listShareLinks } from "@/lib/share";
import { requireTeamRole } from "@/lib/teams";

type P = { teamId: string; albumId: string };

export const GET = route<P>(async (_req, { teamId, albumId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return { links: await listShareLinks(teamId, albumId) };
});

export const POST = route<P>(async (req, { teamId, albumId }) => {
  const { user } = await requireTeamRole(teamId, "MEMBER");
  const input = await readJson(req, createShareSchema);
  return createShareLink(teamId, user.id, albumId, input);
});
