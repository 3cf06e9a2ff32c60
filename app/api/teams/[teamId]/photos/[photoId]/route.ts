// GET /api/teams/:teamId/photos/:photoId - the photo with its analysis, EXIF and effective texts (viewer+)
// PATCH /api/teams/:teamId/photos/:photoId - a person's caption/hashtags/category, rating (0-5) and pick/reject flag; null clears (member+)
// POST /api/teams/:teamId/photos/:photoId - { action: "reanalyse" } (member+)
import { z } from "zod";
import { readJson, route } from "@/lib/http";
import { getPhotoDetail, photoEditSchema, reanalysePhoto, refreshSetOrganization, updatePhotoEdits } from "@/lib/organize";
import { requireTeamRole } from "@/lib/teams";

type P = { teamId: string; photoId: string };

export const GET = route<P>(async (_req, { teamId, photoId }) => {
  await requireTeamRole(teamId, "VIEWER");
  return getPhotoDetail(teamId, photoId);
});

export const PATCH = route<P>(async (req, { teamId, photoId }) => {
  await requireTeamRole(teamId, "MEMBER");
  const edit = await readJson(req, photoEditSchema);
  const { setId, categoryChanged } = await updatePhotoEdits(teamId, photoId, edit);
  if (categoryChanged) await refreshSetOrganization(setId);
  return getPhotoDetail(teamId, photoId);
});

const action = z.object({ action: z.literal("reanalyse") });

export const POST = route<P>(async (req, { teamId, photoId }) => {
  await requireTeamRole(teamId, "MEMBER");
  await readJson(req, action);
  await reanalysePhoto(teamId, photoId);
  return { ok: true };
});
