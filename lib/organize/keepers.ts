// Writes the suggested keeper of near-duplicate groups: the one place the
// keeper rule (keeper.ts) meets the database. The image pipeline calls it when
// a photo joins a group, the album refresh for every undecided group of a set
// (after analysis results land, scores can change the choice). A keeper a
// person chose is never overwritten.
import type { Prisma, PrismaClient } from "@/lib/db";
import { chooseKeeperOf, keeperReason, rankKeepers, type KeeperCandidate } from "./keeper";

type Tx = Prisma.TransactionClient | PrismaClient;

/** What the rule reads of each photo. */
export const KEEPER_FIELDS = {
  id: true,
  state: true,
  mimeType: true,
  instagramScore: true,
  qualityScore: true,
  sharpness: true,
  width: true,
  height: true,
  faceScan: { select: { faceCount: true, eyesClosed: true, mainFaceSharpness: true } },
} as const;

/** Re-suggests the keeper of the undecided groups matched by `where`; returns how many changed. */
export async function updateSuggestedKeepers(tx: Tx, where: { setId: string } | { groupIds: string[] }): Promise<number> {
  const groups = await tx.duplicateGroup.findMany({
    where: { keeperChosen: false, ...("setId" in where ? { setId: where.setId } : { id: { in: where.groupIds } }) },
    select: { id: true, keeperPhotoId: true, photos: { select: KEEPER_FIELDS } },
  });
  let changed = 0;
  for (const g of groups) {
    const keeper = chooseKeeperOf(g.photos)?.keeperId ?? null;
    if (keeper === g.keeperPhotoId) continue;
    await tx.duplicateGroup.update({ where: { id: g.id }, data: { keeperPhotoId: keeper } });
    changed++;
  }
  return changed;
}

/** The card's explanation of a group's keeper: "chosen by you" or the rule's reason against the next-best copy. */
export function keeperExplanation(photos: KeeperCandidate[], keeperId: string | null, chosen: boolean): string | null {
  if (!keeperId) return null;
  if (chosen) return "chosen by a person";
  const keeper = photos.find((p) => p.id === keeperId);
  const [runnerUp] = rankKeepers(photos.filter((p) => p.id !== keeperId));
  if (!keeper || !runnerUp) return null;
  return keeperReason(keeper, runnerUp);
}
