// Cheap pixel statistics computed on small decoded buffers (never on the
// full-size image): sharpness, brightness and dominant colours.

/** Rec. 601 luma, rounded (0.299 R + 0.587 G + 0.114 B in 16-bit fixed point). */
const luma = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 32768) >> 16;

/**
 * Variance of the 4-neighbour Laplacian of a grey image: high for crisp edges,
 * low for blur. Depends on the image's scale, so callers measure at one scale
 * (focusSharpness: tiles of the analysis-size image).
 */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export const FOCUS_TILE = 64;
const FOCUS_GRID = 4;

/**
 * The photo's sharpness: the Laplacian variance of FOCUS_GRID x FOCUS_GRID
 * tiles (FOCUS_TILE px square) spread evenly over an RGB(A) image, averaged
 * over the sharpest quarter of them. Read at the analysis size, where a blur
 * of a pixel or two (what shows on a phone) still moves the figure, and from
 * tiles so that costs ~65k pixels rather than the whole image. The sharpest
 * quarter decides because a crisp subject on a soft background is a sharp
 * photo; a shaken or misfocused photo is soft in every tile. An image too
 * small for a tile is measured whole.
 */
export function focusSharpness(rgb: Uint8Array, width: number, height: number, channels: number): number {
  const side = FOCUS_TILE + 2; // one pixel of border each side for the Laplacian
  if (width < side || height < side) return laplacianVariance(toGrey(rgb, channels), width, height);
  const tile = new Uint8Array(side * side);
  const scores: number[] = [];
  for (let gy = 0; gy < FOCUS_GRID; gy++) {
    const y0 = Math.round(((height - side) * (gy + 0.5)) / FOCUS_GRID);
    for (let gx = 0; gx < FOCUS_GRID; gx++) {
      const x0 = Math.round(((width - side) * (gx + 0.5)) / FOCUS_GRID);
      for (let y = 0; y < side; y++) {
        let i = ((y0 + y) * width + x0) * channels;
        for (let x = 0, o = y * side; x < side; x++, o++, i += channels) tile[o] = luma(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
      }
      scores.push(laplacianVariance(tile, side, side));
    }
  }
  const sharpest = scores.sort((a, b) => b - a).slice(0, scores.length / 4);
  return sharpest.reduce((sum, v) => sum + v, 0) / sharpest.length;
}

/** Mean luminance, 0 (black) .. 1 (white). */
export function meanBrightness(grey: Uint8Array): number {
  if (grey.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < grey.length; i++) sum += grey[i]!;
  return sum / grey.length / 255;
}

const COLOUR_SAMPLES = 65_536;

/**
 * The most common colours of an RGB(A) buffer as "#rrggbb", most common first.
 * Pixels are binned by their top 3 bits per channel (512 bins); each reported
 * colour is the mean of its bin. Bins under 1% of the pixels are left out,
 * except the most common one, so a smooth gradient still yields a colour.
 * At most COLOUR_SAMPLES pixels, evenly spread, are binned: bins of 1% and up
 * come out the same, and binning every pixel of a 512 px copy cost more than
 * all the other statistics together.
 */
export function dominantColors(rgb: Uint8Array, channels: number, max = 5): string[] {
  // Typed arrays, not a Map of objects: this runs on every photo's thumbnail-size copy.
  const count = new Uint32Array(512);
  const sumR = new Uint32Array(512);
  const sumG = new Uint32Array(512);
  const sumB = new Uint32Array(512);
  const all = Math.floor(rgb.length / channels);
  const step = Math.max(1, Math.floor(all / COLOUR_SAMPLES));
  let pixels = 0;
  for (let i = 0, end = all * channels; i < end; i += channels * step, pixels++) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
    count[key]!++;
    sumR[key]! += r;
    sumG[key]! += g;
    sumB[key]! += b;
  }
  const hex = (v: number) => Math.round(v).toString(16).padStart(2, "0");
  const bins: number[] = [];
  for (let k = 0; k < 512; k++) if (count[k]) bins.push(k);
  return bins
    .sort((a, b) => count[b]! - count[a]!)
    .filter((k, i) => i === 0 || count[k]! >= pixels * 0.01)
    .slice(0, max)
    .map((k) => `#${hex(sumR[k]! / count[k]!)}${hex(sumG[k]! / count[k]!)}${hex(sumB[k]! / count[k]!)}`);
}

/**
 * Resizes a grey image to outW x outH by averaging the source pixels under
 * each output cell (a box filter: what the perceptual hash wants, and in plain
 * JS it costs less than another trip through libvips). Every cell covers at
 * least one source pixel, so a source smaller than the output is stretched.
 */
export function boxResizeGrey(grey: Uint8Array, width: number, height: number, outW: number, outH: number): Uint8Array {
  const span = (i: number, n: number, out: number) => {
    const start = Math.min(n - 1, Math.floor((i * n) / out));
    return [start, Math.max(start + 1, Math.floor(((i + 1) * n) / out))] as const;
  };
  const out = new Uint8Array(outW * outH);
  for (let cy = 0; cy < outH; cy++) {
    const [y0, y1] = span(cy, height, outH);
    for (let cx = 0; cx < outW; cx++) {
      const [x0, x1] = span(cx, width, outW);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0, row = y * width; x < x1; x++) sum += grey[row + x]!;
      out[cy * outW + cx] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

/** Rec. 601 luma of an RGB(A) buffer, one byte per pixel. */
export function toGrey(rgb: Uint8Array, channels: number): Uint8Array {
  const n = Math.floor(rgb.length / channels);
  const out = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels) out[p] = luma(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
  return out;
}

