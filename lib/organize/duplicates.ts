// Near-duplicate groups of a set with their suggested (or chosen) keeper and
// the reason it was kept, and the one-click "keep this one". Reading never
// recomputes: keepers are written when the data changes (keepers.ts).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { KEEPER_FIELDS, keeperExplanation } from "./keepers";
import { refreshSetOrganization } from "./refresh";

export interface DuplicateGroupView {
  id: string;
  keeperPhotoId: string | null;
  keeperChosen: boolean;
  /** "chosen by a person", or why the rule kept it: "4x the pixels", "JPEG, not GIF", ... */
  keeperReason: string | null;
  photos: {
    id: string;
    originalName: string;
    state: string;
    mimeType: string;
    instagramScore: number | null;
    qualityScore: number | null;
    sharpness: number | null;
    width: number | null;
    height: number | null;
  }[];
}

export async function listDuplicateGroups(teamId: string, setId: string): Promise<DuplicateGroupView[]> {
  const set = await db().photoSet.findFirst({ where: { id: setId, teamId }, select: { id: true } });
  if (!set) throw notFound("Photo set not found");
  const groups = await db().duplicateGroup.findMany({
    where: { setId },
    select: {
      id: true,
      keeperPhotoId: true,
      keeperChosen: true,
      photos: { select: { ...KEEPER_FIELDS, originalName: true }, orderBy: { id: "asc" } },
    },
    orderBy: { createdAt: "asc" },
  });
  return groups
    .filter((g) => g.photos.length > 1)
    .map((g) => ({ ...g, keeperReason: keeperExplanation(g.photos, g.keeperPhotoId, g.keeperChosen) }));
}

/** A person's "keep this one": the suggestion stops overriding it; Best picks follow. */
export async function chooseKeeper(teamId: string, groupId: string, photoId: string): Promise<void> {
  const group = await db().duplicateGroup.findFirst({
    where: { id: groupId, set: { teamId } },
    select: { id: true, setId: true, photos: { where: { id: photoId }, select: { id: true } } },
  });
  if (!group || group.photos.length === 0) throw notFound("Photo not in this duplicate group");
  await db().duplicateGroup.update({ where: { id: groupId }, data: { keeperPhotoId: photoId, keeperChosen: true } });
  await refreshSetOrganization(group.setId);
}
