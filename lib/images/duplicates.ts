// Near-duplicate groups, kept current as photos arrive: a photo joins every
// photo of its set whose perceptual hash is within PHASH_THRESHOLD bits
// (single linkage, so groups that a new photo bridges are merged). The keeper
// suggestion is lib/organize's one rule (keeper.ts); a keeper a person chose stays.
import { db, Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { requestRefresh, updateSuggestedKeepers } from "@/lib/organize";

type Tx = Prisma.TransactionClient;

/** Puts an analysed-by-pipeline photo (phash set) into its near-duplicate group, if it has neighbours. */
export async function groupNearDuplicates(photoId: string, threshold = getEnv().PHASH_THRESHOLD): Promise<string | null> {
  const grouped = await db().$transaction(async (tx) => {
    const photo = await tx.photo.findUnique({ where: { id: photoId }, select: { setId: true, phash: true, duplicateGroupId: true } });
    if (!photo?.phash) return null;
    // One grouping at a time per set: two workers placing neighbours at once
    // would otherwise each create a group.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`dupgroups:${photo.setId}`}))`;
    // Hamming distance in SQL: XOR of the two 64-bit hashes, count the ones.
    const neighbours = await tx.$queryRaw<{ id: string; duplicateGroupId: string | null }[]>`
      SELECT id, "duplicateGroupId" FROM "Photo"
      WHERE "setId" = ${photo.setId} AND id <> ${photoId} AND phash IS NOT NULL
        AND bit_count(('x' || phash)::bit(64) # ('x' || ${photo.phash})::bit(64)) <= ${threshold}`;
    if (neighbours.length === 0) return photo.duplicateGroupId ? { setId: photo.setId, groupId: photo.duplicateGroupId } : null;

    const groupIds = [...new Set([photo.duplicateGroupId, ...neighbours.map((n) => n.duplicateGroupId)])].filter(
      (g): g is string => g !== null,
    );
    const target = await pickTargetGroup(tx, photo.setId, groupIds);
    const others = groupIds.filter((g) => g !== target);
    if (others.length) {
      await tx.photo.updateMany({ where: { duplicateGroupId: { in: others } }, data: { duplicateGroupId: target } });
      await tx.duplicateGroup.deleteMany({ where: { id: { in: others } } });
    }
    await tx.photo.updateMany({
      where: { id: { in: [photoId, ...neighbours.map((n) => n.id)] } },
      data: { duplicateGroupId: target },
    });
    await updateSuggestedKeepers(tx, { groupIds: [target] });
    return { setId: photo.setId, groupId: target };
  });
  // The keeper may have changed, and Best picks hold only keepers.
  if (grouped) requestRefresh(grouped.setId);
  return grouped?.groupId ?? null;
}

/** The group the others merge into: one whose keeper a person chose, else the oldest, else a new one. */
async function pickTargetGroup(tx: Tx, setId: string, groupIds: string[]): Promise<string> {
  if (groupIds.length) {
    const groups = await tx.duplicateGroup.findMany({
      where: { id: { in: groupIds } },
      orderBy: [{ keeperChosen: "desc" }, { createdAt: "asc" }],
      select: { id: true },
    });
    if (groups[0]) return groups[0].id;
  }
  return (await tx.duplicateGroup.create({ data: { setId }, select: { id: true } })).id;
}
