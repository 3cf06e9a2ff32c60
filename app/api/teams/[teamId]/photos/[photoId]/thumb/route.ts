// GET /api/teams/:teamId/photos/:photoId/thumb - the 320 px WebP thumbnail (viewer+)
import { id, route } from "@/lib/http";
import { fileResponse, getPhotoOr404 } from "@/lib/sets";

export const GET = route({ role: "VIEWER", params: { photoId: id } }, async (_req, { params: { photoId }, team }) => {
  const photo = await getPhotoOr404(team.id, photoId);
  return fileResponse(photo.contentHash, "thumb", "image/webp");
});
