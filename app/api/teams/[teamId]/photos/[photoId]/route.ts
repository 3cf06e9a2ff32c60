// GET /api/teams/:teamId/photos/:photoId - the photo with its analysis, EXIF and effective texts (viewer+)
// PATCH /api/teams/:teamId/photos/:photoId - a person's caption/hashtags/category, rating (0-5) and pick/reject flag; null clears (member+)
// POST /api/teams/:teamId/photos/:photoId - { action: "reanalyse" } (member+)
import { z } from "zod";
import { id, readJson, route } from "@/lib/http";
import { getPhotoDetail, photoEditSchema, refreshSetOrganization, updatePhotoEdits } from "@/lib/organize";
import { reanalysePhoto } from "@/lib/runs";

export const GET = route({ role: "VIEWER", params: { photoId: id } }, async (_req, { params: { teamId, photoId } }) => {
  return getPhotoDetail(teamId, photoId);
});

export const PATCH = route({ role: "MEMBER", params: { photoId: id } }, async (req, { params: { teamId, photoId } }) => {
  const edit = await readJson(req, photoEditSchema);
  const { setId, categoryChanged } = await updatePhotoEdits(teamId, photoId, edit);
  if (categoryChanged) await refreshSetOrganization(setId);
  return getPhotoDetail(teamId, photoId);
});

const action = z.object({ action: z.literal("reanalyse") });

export const POST = route({ role: "MEMBER", params: { photoId: id } }, async (req, { params: { teamId, photoId } }) => {
  await readJson(req, action);
  await reanalysePhoto(teamId, photoId);
  return { ok: true };
});
