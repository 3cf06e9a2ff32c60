// GET /api/teams/:teamId/photos/:photoId/original - the uploaded file as sent (viewer+)
import { z } from "zod";
import { parseParams, route } from "@/lib/http";
import { assertReadable } from "@/lib/images";
import { attachment, fileResponse, getPhotoOr404 } from "@/lib/sets";
import { requireTeamRole } from "@/lib/teams";

export const GET = route<{ teamId: string; photoId: string }>(async (req, params) => {
  const { teamId, photoId } = parseParams(z.object({ teamId: z.string().max(40), photoId: z.string().max(40) }), params);
  const { team } = await requireTeamRole(teamId, "VIEWER");
  const photo = await getPhotoOr404(team.id, photoId);
  assertReadable(photo); // a refused file's bytes are not kept: the answer is its reason
  const download = req.nextUrl.searchParams.get("download") === "1";
  return fileResponse(photo.contentHash, "original", photo.mimeType, download ? { "content-disposition": attachment(photo.originalName) } : {});
});
