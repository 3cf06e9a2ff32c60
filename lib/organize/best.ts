// "Best picks": the top N by Instagram score (quality score when the photo has
// no AI score, e.g. local-only analysis), at most one photo per near-duplicate
// group. When a person chose a group's keeper, only the keeper may represent it.

export interface BestCandidate {
  id: string;
  instagramScore: number | null;
  qualityScore: number | null;
  duplicateGroupId: string | null;
  /** The group's chosen keeper when a person picked one, else null. */
  chosenKeeperId: string | null;
}

/** Orders by Instagram score, then quality score, then id; unscored photos last. */
export function compareByScore(
  a: { id: string; instagramScore: number | null; qualityScore: number | null },
  b: { id: string; instagramScore: number | null; qualityScore: number | null },
): number {
  const ia = a.instagramScore ?? -Infinity;
  const ib = b.instagramScore ?? -Infinity;
  if (ia !== ib) return ib - ia;
  const qa = a.qualityScore ?? -Infinity;
  const qb = b.qualityScore ?? -Infinity;
  if (qa !== qb) return qb - qa;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function pickBest(photos: BestCandidate[], n: number): string[] {
  const usedGroups = new Set<string>();
  const out: string[] = [];
  const scored = photos.filter((p) => p.instagramScore !== null || p.qualityScore !== null);
  for (const p of [...scored].sort(compareByScore)) {
    if (out.length >= n) break;
    if (p.duplicateGroupId) {
      if (p.chosenKeeperId && p.chosenKeeperId !== p.id) continue;
      if (usedGroups.has(p.duplicateGroupId)) continue;
      usedGroups.add(p.duplicateGroupId);
    }
    out.push(p.id);
  }
  return out;
}
