// GET /api/teams/:teamId/photos/:photoId/thumb - the 320 px WebP thumbnail (viewer+)
import { z } from "zod";
import { parseParams, route } from "@/lib/http";
import { fileResponse, getPhotoOr404 } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; photoId: string }>(async (_req, params) => {
  const { teamId, photoId } = parseParams(z.object({ teamId: z.string().max(40), photoId: z.string().max(40) }), params);
  const { team } = await requireTeamRole(teamId, "VIEWER");
  const photo = await getPhotoOr404(team.id, photoId);
  return fileResponse(photo.contentHash, "thumb", "image/webp");
});
