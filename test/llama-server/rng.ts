// Seedable randomness so every test run sees the same latencies and faults.

/** mulberry32: tiny, fast, good enough for test draws. Returns [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal draw: median * exp(spread * N(0,1)) (Box-Muller). */
export function logNormal(rng: () => number, median: number, spread: number): number {
  if (median <= 0) return 0;
  const u = 1 - rng();
  const v = rng();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * z);
}
