// Cheap pixel statistics computed on small decoded buffers (never on the
// full-size image): sharpness, brightness and dominant colours.

/**
 * Variance of the 4-neighbour Laplacian of a grey image: high for crisp edges,
 * low for blur. Depends on the image size, so callers always pass the same
 * size (lib/images/process uses a 512 px longest side).
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

/** Mean luminance, 0 (black) .. 1 (white). */
export function meanBrightness(grey: Uint8Array): number {
  if (grey.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < grey.length; i++) sum += grey[i]!;
  return sum / grey.length / 255;
}

/**
 * The most common colours of an RGB(A) buffer as "#rrggbb", most common first.
 * Pixels are binned by their top 3 bits per channel (512 bins); each reported
 * colour is the mean of its bin. Bins under 1% of the pixels are left out,
 * except the most common one, so a smooth gradient still yields a colour.
 */
export function dominantColors(rgb: Uint8Array, channels: number, max = 5): string[] {
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  const pixels = Math.floor(rgb.length / channels);
  for (let p = 0; p < pixels; p++) {
    const i = p * channels;
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
    const bin = bins.get(key);
    if (bin) {
      bin.n++;
      bin.r += r;
      bin.g += g;
      bin.b += b;
    } else {
      bins.set(key, { n: 1, r, g, b });
    }
  }
  const hex = (v: number) => Math.round(v).toString(16).padStart(2, "0");
  return [...bins.values()]
    .sort((a, b) => b.n - a.n)
    .filter((bin, i) => i === 0 || bin.n >= pixels * 0.01)
    .slice(0, max)
    .map((bin) => `#${hex(bin.r / bin.n)}${hex(bin.g / bin.n)}${hex(bin.b / bin.n)}`);
}


/** Rec. 601 luma of an RGB(A) buffer, one byte per pixel. */
export function toGrey(rgb: Uint8Array, channels: number): Uint8Array {
  const n = Math.floor(rgb.length / channels);
  const out = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    out[p] = (rgb[i]! * 299 + rgb[i + 1]! * 587 + rgb[i + 2]! * 114 + 500) / 1000;
  }
  return out;
}
