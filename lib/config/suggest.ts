// "Did you mean" for misspelt keys: the closest known name by edit distance,
// offered only when it is close enough to be a plausible typo.

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The candidate nearest to `name`, compared whole and by last segment (a key put under the wrong parent). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const last = (s: string) => s.slice(s.lastIndexOf(".") + 1);
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = Math.min(distance(name, c), distance(last(name), last(c)));
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(2, Math.floor(last(name).length / 3)) ? best.c : undefined;
}
