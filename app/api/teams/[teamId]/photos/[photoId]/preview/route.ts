// GET /api/teams/:teamId/photos/:photoId/preview - the ~1440 px WebP preview, rendered on first request (viewer+)
import { id, route } from "@/lib/http";
import { assertReadable, previewFor } from "@/lib/images";
import { fileResponse, getPhotoOr404 } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { photoId: id } }, async (_req, { params: { photoId }, team }) => {
  const photo = await getPhotoOr404(team.id, photoId);
  assertReadable(photo);
  await previewFor(photo.contentHash);
  return fileResponse(photo.contentHash, "preview", "image/webp");
});
