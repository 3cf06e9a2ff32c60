// GET /api/share/:token/photos/:photoId/(thumb|preview) - an image of a photo in the shared album, nothing else (public)
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http";
import { resolveShare, shareCookieName, sharedImageResponse, sharedPhotoHash, shareUnlocked } from "@/lib/share";

export const GET = route<{ token: string; photoId: string; kind: string }>(async (req, { token, photoId, kind }) => {
  if (kind !== "thumb" && kind !== "preview") throw notFound();
  const share = await resolveShare(token);
  if (!shareUnlocked(share, req.cookies.get(shareCookieName(share.id))?.value)) throw notFound();
  return sharedImageResponse(await sharedPhotoHash(share, photoId), kind);
});
