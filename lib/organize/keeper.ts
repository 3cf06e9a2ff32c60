// Which photo of a near-duplicate group to keep: the best score (Instagram
// score, or quality score when no AI score exists), then the sharpest, then the
// largest. Ties fall to the id so the suggestion is stable between runs.

export interface KeeperCandidate {
  id: string;
  instagramScore: number | null;
  qualityScore: number | null;
  sharpness: number | null;
  width: number | null;
  height: number | null;
}

export function photoScore(p: { instagramScore: number | null; qualityScore: number | null }): number | null {
  return p.instagramScore ?? p.qualityScore ?? null;
}

function compareKeeper(a: KeeperCandidate, b: KeeperCandidate): number {
  const sa = photoScore(a) ?? -Infinity;
  const sb = photoScore(b) ?? -Infinity;
  if (sa !== sb) return sb - sa;
  const ha = a.sharpness ?? -Infinity;
  const hb = b.sharpness ?? -Infinity;
  if (ha !== hb) return hb - ha;
  const ra = (a.width ?? 0) * (a.height ?? 0);
  const rb = (b.width ?? 0) * (b.height ?? 0);
  if (ra !== rb) return rb - ra;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function suggestKeeper(candidates: KeeperCandidate[]): string | null {
  return [...candidates].sort(compareKeeper)[0]?.id ?? null;
}
