// GET /api/teams/:teamId/photos/:photoId/original - the uploaded file as sent (viewer+)
import { id, route } from "@/lib/http";
import { assertReadable } from "@/lib/images";
import { attachment, fileResponse, getPhotoOr404 } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { photoId: id } }, async (req, { params: { photoId }, team }) => {
  const photo = await getPhotoOr404(team.id, photoId);
  assertReadable(photo); // a refused file's bytes are not kept: the answer is its reason
  const download = req.nextUrl.searchParams.get("download") === "1";
  return fileResponse(photo.contentHash, "original", photo.mimeType, download ? { "content-disposition": attachment(photo.originalName) } : {});
});
