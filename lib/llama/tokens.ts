// Token arithmetic shared by the providers (what a request books against the
// tokens-per-minute budget) and the local test server (what it charges, from
// the image tiling below).
//
// Meta does not publish what the API bills for an image. IMAGE_TOKENS is Llama 4's
// worst case (see llama4ImageTokens below): 16 tiles of 336 px plus the global
// tile, each 24x24 patches of 14 px reduced 4x by pixel shuffle = 144 tokens,
// plus 16 separators and 3 wrapper tokens: 2,467. It is what an image of unknown
// size or an unknown model family is booked at; the live x-ratelimit-*-tokens
// headers correct the budget whatever the true figure.

export const IMAGE_TOKENS = 17 * 144 + 16 + 3;
/**
 * Answer allowance per photo (max_completion_tokens) before any answer was
 * seen; the analysis loop then learns the real length (lib/analysis/cost-model.ts).
 */
export const COMPLETION_TOKENS_PER_PHOTO = 600;

export function maxCompletionTokens(photos: number): number {
  return 100 + photos * COMPLETION_TOKENS_PER_PHOTO;
}

/**
 * What a request books: its text counted at 3 characters a token (an upper
 * bound for English), message overhead, each image's tokens, and the answer
 * allowance.
 */
export function estimateRequestTokens(promptChars: number, imageTokens: readonly number[], maxCompletion: number): number {
  return Math.ceil(promptChars / 3) + 32 + imageTokens.reduce((a, b) => a + b, 0) + maxCompletion;
}

// ---- Llama 4 image tokens (Hugging Face's Llama4ImageProcessor, which vLLM uses) ----
// The image is fitted into the best canvas of at most 16 tiles of 336 px: the
// canvas that needs the least upscaling, or when every canvas would shrink it,
// the one that shrinks it least (ties: the smaller canvas). Each tile costs 144
// tokens (24x24 patches of 14 px, pixel-shuffled by 0.5); more than one tile adds
// a global 336 px tile, one x-separator between tiles of a row and one
// y-separator per row; every image has 3 wrapper tokens (start, image, end).

export const TILE_PX = 336;
export const TOKENS_PER_TILE = 144;
export const MAX_TILES = 16;

/** Canvases of at most MAX_TILES tiles, as [rows, cols]. */
const CANVASES: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let rows = 1; rows <= MAX_TILES; rows++) for (let cols = 1; rows * cols <= MAX_TILES; cols++) out.push([rows, cols]);
  return out;
})();

/** The tile grid Llama 4 chooses for an image of width x height pixels. */
export function llama4Canvas(width: number, height: number): { rows: number; cols: number } {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const scales = CANVASES.map(([rows, cols]) => Math.min((rows * TILE_PX) / h, (cols * TILE_PX) / w));
  const up = scales.filter((s) => s >= 1);
  const chosen = up.length > 0 ? Math.min(...up) : Math.max(...scales);
  let best: readonly [number, number] | undefined;
  CANVASES.forEach((c, i) => {
    if (scales[i] !== chosen) return;
    if (!best || c[0] * c[1] < best[0] * best[1]) best = c;
  });
  const [rows, cols] = best as readonly [number, number];
  return { rows, cols };
}

/** Prompt tokens of one image for Llama 4 (e.g. 1024x768 -> 1,887; 896x672 -> 1,017; <= 336 px -> 147). */
export function llama4ImageTokens(width: number, height: number): number {
  const { rows, cols } = llama4Canvas(width, height);
  const wrapper = 3;
  if (rows * cols === 1) return TOKENS_PER_TILE + wrapper;
  return rows * cols * TOKENS_PER_TILE + rows * (cols - 1) + rows + TOKENS_PER_TILE + wrapper;
}

/** Whether a model name is of the Llama 4 family, whose tiling we know. */
export function isLlama4(model: string): boolean {
  return /llama[-_ ]?4/i.test(model);
}

/**
 * Image tokens for a model: Llama 4's tiling when the model is Llama 4 and the
 * size is known, else the worst case (IMAGE_TOKENS), which keeps the budget safe
 * for a model family whose preprocessing we do not know.
 */
export function imageTokensFor(model: string, width: number, height: number): number {
  if (!isLlama4(model) || !(width > 0) || !(height > 0)) return IMAGE_TOKENS;
  return llama4ImageTokens(width, height);
}

/**
 * The analysis image size that uses whole tiles: the largest size of the
 * photo's aspect ratio that fits a canvas of at most `maxTiles` tiles (and
 * `maxSide` px), never larger than the photo. A 4:3 photo with 6 tiles gives
 * 896x672 (3x2 tiles + global, ~1,017 tokens) instead of 1024x768 (12 tiles,
 * ~1,887) at nearly the same detail.
 */
export function tileAwareSize(width: number, height: number, maxTiles: number, maxSide: number): { width: number; height: number } {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  let best = { width: 1, height: 1 };
  for (const [rows, cols] of CANVASES) {
    if (rows * cols > maxTiles) continue;
    const scale = Math.min((rows * TILE_PX) / h, (cols * TILE_PX) / w, maxSide / Math.max(w, h), 1);
    const size = { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)) };
    if (size.width * size.height > best.width * best.height) best = size;
  }
  return best;
}
