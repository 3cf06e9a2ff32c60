// GET /api/share/:token - the shared album (public; 404 for unknown, expired or revoked links; 401 until the password is given)
import { unauthorized } from "@/lib/errors";
import { route } from "@/lib/http";
import { resolveShare, shareCookieName, sharedAlbumView, shareUnlocked } from "@/lib/share";

export const GET = route<{ token: string }>(async (req, { token }) => {
  const share = await resolveShare(token);
  if (!shareUnlocked(share, req.cookies.get(shareCookieName(share.id))?.value)) {
    throw unauthorized("This album is protected by a password.");
  }
  return sharedAlbumView(share);
});
