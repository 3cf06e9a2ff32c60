// GET /api/share/:token/export?ratio=4:5 - the shared album as a ZIP, when the link allows downloads (public)
import { notFound } from "@/lib/errors";
import { zipResponse } from "@/lib/export";
import { route } from "@/lib/http";
import { resolveShare, shareCookieName, shareUnlocked } from "@/lib/share";

export const GET = route<{ token: string }>(async (req, { token }) => {
  const share = await resolveShare(token);
  if (!share.allowDownload || !shareUnlocked(share, req.cookies.get(shareCookieName(share.id))?.value)) throw notFound();
  // Only what the share page shows, names only if the owner chose so; and, as
  // an anonymous read, the last refreshed album, never a refresh (docs/decisions/005).
  return zipResponse(req, share.teamId, { albumId: share.albumId }, { share: { includeNames: share.includeNames } });
});
