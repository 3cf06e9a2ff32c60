// The order photos are ranked in: Instagram score, then quality score (the
// only score of local-only analysis), unscored last. The computed albums rank
// the same way in SQL (lib/organize/refresh.ts).

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
