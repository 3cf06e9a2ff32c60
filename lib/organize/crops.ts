// Crop arithmetic shared by the photo page, the grid preview and the export.
// Boxes from the model are relative (0..1) to the oriented image and only
// approximately the ratio asked for; these helpers turn them into exact-ratio
// pixel rectangles inside the image.
import type { CropBox, InstagramRatio } from "@/lib/llama/types";

/**
 * The ratios an export can be cut to: the model's three (4:5, 1:1, 1.91:1)
 * and 3:4, the shape of the profile grid's tiles since 2025 (a post cut to it
 * shows whole on the grid). 3:4 is centred on the model's 4:5 box, the
 * nearest shape it answers for.
 */
export const EXPORT_RATIOS = ["4:5", "3:4", "1:1", "1.91:1"] as const;
export type ExportRatio = (typeof EXPORT_RATIOS)[number];

export function modelRatioFor(ratio: ExportRatio): InstagramRatio {
  return ratio === "3:4" ? "4:5" : ratio;
}

/** width / height of each ratio. */
export const RATIO_VALUE: Record<ExportRatio, number> = { "4:5": 4 / 5, "3:4": 3 / 4, "1:1": 1, "1.91:1": 1.91 };

/**
 * The one shape every slide of a carousel is cut to: the export ratio nearest
 * the cover's own shape (a landscape cover makes a 1.91:1 carousel, a phone's
 * 3:4 portrait a 3:4 one), as Instagram applies the first slide's shape to
 * all. A cover whose size is not known yet: 4:5.
 */
export function carouselRatio(cover: { width: number | null; height: number | null } | undefined): ExportRatio {
  if (!cover?.width || !cover.height) return "4:5";
  const shape = Math.log(cover.width / cover.height);
  const off = (r: ExportRatio) => Math.abs(Math.log(RATIO_VALUE[r]) - shape);
  return EXPORT_RATIOS.reduce((best, r) => (off(r) < off(best) ? r : best));
}

/** Instagram's recommended upload sizes at the default 1080 px width. */
export const OUTPUT_SIZE: Record<ExportRatio, { width: number; height: number }> = {
  "4:5": { width: 1080, height: 1350 },
  "3:4": { width: 1080, height: 1440 },
  "1:1": { width: 1080, height: 1080 },
  "1.91:1": { width: 1080, height: 566 },
};

/** Export widths: 1080 (Instagram's long-standing size, the default) or 1440 (what it keeps since 2025). */
export const EXPORT_WIDTHS = [1080, 1440] as const;
export type ExportWidth = (typeof EXPORT_WIDTHS)[number];

/** Instagram enlarges anything narrower than this. */
export const MIN_OUTPUT_WIDTH = 320;

/**
 * The export size of a crop `cropWidth` px wide: `maxWidth` wide when the
 * crop has the pixels, else the crop's own width (enlarging adds bytes, not
 * detail), but never under Instagram's 320 px minimum.
 */
export function outputSize(ratio: ExportRatio, cropWidth: number, maxWidth: ExportWidth = 1080): { width: number; height: number } {
  const full = OUTPUT_SIZE[ratio];
  const width = Math.max(MIN_OUTPUT_WIDTH, Math.min(maxWidth, Math.round(cropWidth)));
  return { width, height: Math.round((width * full.height) / full.width) };
}

/** The profile grid shows each post as a 3:4 tile. */
export const GRID_TILE_RATIO = 3 / 4;

export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The largest rectangle of exactly `ratio` that covers the box (or, when the
 * image is too small for that, the largest that fits), centred on the box and
 * kept inside the image. No box: centred.
 */
export function exactCrop(box: CropBox | null, ratio: ExportRatio, imgW: number, imgH: number): PixelRect {
  const r = RATIO_VALUE[ratio];
  const b = box ?? { x: 0, y: 0, width: 1, height: 1 };
  const bw = b.width * imgW;
  const bh = b.height * imgH;
  let w = bw / bh > r ? bw : bh * r;
  // Never larger than the image allows at this ratio.
  w = Math.min(w, imgW, imgH * r);
  const h = w / r;
  const cx = (b.x + b.width / 2) * imgW;
  const cy = (b.y + b.height / 2) * imgH;
  const width = Math.max(1, Math.round(w));
  const height = Math.max(1, Math.min(imgH, Math.round(h)));
  const left = Math.round(clamp(cx - w / 2, 0, imgW - width));
  const top = Math.round(clamp(cy - h / 2, 0, imgH - height));
  return { left, top, width, height };
}

/** The same rectangle relative to the image (for drawing over a preview). */
export function relativeCrop(box: CropBox | null, ratio: ExportRatio, imgW: number, imgH: number): CropBox {
  const p = exactCrop(box, ratio, imgW, imgH);
  return { x: p.left / imgW, y: p.top / imgH, width: p.width / imgW, height: p.height / imgH };
}

/**
 * CSS object-position for an <img object-fit: cover> in a 3:4 grid tile so the
 * tile is centred where the 4:5 crop is (the grid crops the post's middle).
 */
export function gridObjectPosition(box: CropBox | null, imgW: number, imgH: number): string {
  const b = box ?? { x: 0, y: 0, width: 1, height: 1 };
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  const aspect = imgW / imgH;
  let px = 0.5;
  let py = 0.5;
  if (aspect > GRID_TILE_RATIO) {
    const visible = GRID_TILE_RATIO / aspect;
    px = clamp((cx - visible / 2) / (1 - visible), 0, 1);
  } else if (aspect < GRID_TILE_RATIO) {
    const visible = aspect / GRID_TILE_RATIO;
    py = clamp((cy - visible / 2) / (1 - visible), 0, 1);
  }
  return `${round1(px * 100)}% ${round1(py * 100)}%`;
}

/**
 * Style of an <img> inside an overflow-hidden box of the crop's shape
 * (position: relative) so the box shows exactly the crop: a carousel slide's
 * preview is what its export holds.
 */
export function cropImageStyle(box: CropBox): { position: "absolute"; maxWidth: "none"; width: string; height: string; left: string; top: string } {
  const pct = (v: number) => `${Math.round(v * 10000) / 100}%`;
  return {
    position: "absolute",
    maxWidth: "none",
    width: pct(1 / box.width),
    height: pct(1 / box.height),
    left: pct(-box.x / box.width),
    top: pct(-box.y / box.height),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
