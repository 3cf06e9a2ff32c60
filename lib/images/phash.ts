// 64-bit DCT perceptual hash (the classic "pHash"): 2-D DCT of a 32x32 grey
// image, keep the 8x8 lowest frequencies, one bit per coefficient above their
// median. Robust to resizing, re-encoding and small exposure changes, which is
// what near-duplicate detection needs.
export const PHASH_SIZE = 32;
const LOW = 8;

// cos((2x+1) u pi / 2N) for the 8 lowest frequencies, computed once.
const COS: Float64Array[] = Array.from({ length: LOW }, (_, u) => {
  const row = new Float64Array(PHASH_SIZE);
  for (let x = 0; x < PHASH_SIZE; x++) row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
  return row;
});

/** `grey` holds PHASH_SIZE x PHASH_SIZE 8-bit luminance values, row by row. Returns 16 hex chars. */
export function phashFromGrey(grey: Uint8Array): string {
  if (grey.length !== PHASH_SIZE * PHASH_SIZE) {
    throw new Error(`phash: expected ${PHASH_SIZE * PHASH_SIZE} grey pixels, got ${grey.length}`);
  }
  // Separable DCT: rows first (only the 8 frequencies we keep), then columns.
  const rows = new Float64Array(PHASH_SIZE * LOW);
  for (let y = 0; y < PHASH_SIZE; y++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      const c = COS[u]!;
      for (let x = 0; x < PHASH_SIZE; x++) s += grey[y * PHASH_SIZE + x]! * c[x]!;
      rows[y * LOW + u] = s;
    }
  }
  const coeffs = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    const c = COS[v]!;
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let y = 0; y < PHASH_SIZE; y++) s += rows[y * LOW + u]! * c[y]!;
      coeffs[v * LOW + u] = s;
    }
  }
  // The DC term (overall brightness) would dominate the median; leave it out of it.
  const median = medianOf(Array.from(coeffs.subarray(1)));
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let n = 0;
    for (let b = 0; b < 4; b++) n = (n << 1) | (coeffs[nibble * 4 + b]! > median ? 1 : 0);
    hex += n.toString(16);
  }
  return hex;
}

function medianOf(values: number[]): number {
  const s = values.sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
