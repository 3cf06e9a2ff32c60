// Near-duplicate groups of a set with their suggested (or chosen) keeper, and
// the one-click "keep this one".
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { refreshSetOrganization } from "./refresh";

export interface DuplicateGroupView {
  id: string;
  keeperPhotoId: string | null;
  keeperChosen: boolean;
  photos: {
    id: string;
    originalName: string;
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
  await refreshSetOrganization(setId);
  const groups = await db().duplicateGroup.findMany({
    where: { setId },
    select: {
      id: true,
      keeperPhotoId: true,
      keeperChosen: true,
      photos: {
        select: { id: true, originalName: true, instagramScore: true, qualityScore: true, sharpness: true, width: true, height: true },
        orderBy: { id: "asc" },
      },
    },
    orderBy: { createdAt: "asc" },
  });
  return groups.filter((g) => g.photos.length > 1);
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
