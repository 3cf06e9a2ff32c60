// Face-aware crops: every suggested crop (the model's box or the local
// provider's centred one) is turned into its exact-ratio rectangle as before,
// then moved - and if need be enlarged, up to what the image allows at that
// ratio - so that every face found on the photo is inside, with room above the
// head. The model guesses its boxes without checking faces; this checks them.
import type { CropBox } from "@/lib/llama/types";
import { exactCrop, RATIO_VALUE, type ExportRatio, type PixelRect } from "./crops";

/** A face box in fractions of the oriented image (FaceFact.box). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceAwareCrop {
  rect: PixelRect;
  /** The suggested crop cut a face (or its headroom) and was moved or enlarged. */
  moved: boolean;
  /** Faces still not wholly inside: they cannot all fit in one crop of this ratio. */
  facesCut: number;
}

// Room kept around a face, in face heights/widths: hair and forehead above
// (the detector's box starts at the brows), a little at the sides and chin.
const ABOVE = 0.5;
const SIDES = 0.15;
const BELOW = 0.15;

interface Span {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function union(boxes: Span[]): Span {
  return {
    left: Math.min(...boxes.map((b) => b.left)),
    top: Math.min(...boxes.map((b) => b.top)),
    right: Math.max(...boxes.map((b) => b.right)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
  };
}

const contains = (r: PixelRect, s: Span) => r.left <= s.left + 0.5 && r.top <= s.top + 0.5 && r.left + r.width >= s.right - 0.5 && r.top + r.height >= s.bottom - 0.5;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The smallest move of `rect` (grown to at least `need` at its ratio, at most
 * the largest the image allows) that covers `need`, staying in the image.
 */
function cover(rect: PixelRect, need: Span, ratio: number, imgW: number, imgH: number): PixelRect {
  const maxW = Math.min(imgW, imgH * ratio);
  const needW = Math.max(need.right - need.left, (need.bottom - need.top) * ratio);
  const width = Math.min(maxW, Math.max(rect.width, needW));
  const height = width / ratio;
  // Keep the suggested position as far as the faces allow; when they cannot
  // all fit, centre on them.
  const fitX = (lo: number, hi: number, size: number, start: number) =>
    hi - lo <= size ? clamp(start, hi - size, lo) : (lo + hi) / 2 - size / 2;
  const left = clamp(fitX(need.left, need.right, width, rect.left), 0, imgW - width);
  const top = clamp(fitX(need.top, need.bottom, height, rect.top), 0, imgH - height);
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.min(imgH, Math.round(height)));
  return { left: Math.round(clamp(left, 0, imgW - w)), top: Math.round(clamp(top, 0, imgH - h)), width: w, height: h };
}

/** The exact-ratio crop for a suggested box, kept clear of every face (see the file's head). */
export function faceAwareCrop(box: CropBox | null, ratio: ExportRatio, imgW: number, imgH: number, faces: FaceBox[]): FaceAwareCrop {
  const suggested = exactCrop(box, ratio, imgW, imgH);
  if (faces.length === 0) return { rect: suggested, moved: false, facesCut: 0 };
  const tight = faces.map((f) => ({ left: f.x * imgW, top: f.y * imgH, right: (f.x + f.width) * imgW, bottom: (f.y + f.height) * imgH }));
  const roomy = tight.map((t) => {
    const w = t.right - t.left;
    const h = t.bottom - t.top;
    return { left: Math.max(0, t.left - SIDES * w), top: Math.max(0, t.top - ABOVE * h), right: Math.min(imgW, t.right + SIDES * w), bottom: Math.min(imgH, t.bottom + BELOW * h) };
  });
  if (contains(suggested, union(roomy))) return { rect: suggested, moved: false, facesCut: 0 };
  const r = RATIO_VALUE[ratio];
  // With headroom if the ratio allows it, else the faces alone, else as many as fit
  // (largest faces first: FaceFact lists them so).
  let rect = cover(suggested, union(roomy), r, imgW, imgH);
  if (!contains(rect, union(tight))) rect = cover(suggested, union(tight), r, imgW, imgH);
  if (!contains(rect, union(tight))) {
    for (let k = tight.length - 1; k >= 1; k--) {
      const some = cover(suggested, union(tight.slice(0, k)), r, imgW, imgH);
      if (contains(some, union(tight.slice(0, k)))) {
        rect = some;
        break;
      }
    }
  }
  const facesCut = tight.filter((t) => !contains(rect, t)).length;
  const moved = rect.left !== suggested.left || rect.top !== suggested.top || rect.width !== suggested.width;
  return { rect, moved, facesCut };
}

/** The same rectangle relative to the image (for drawing over a preview, or as an export box). */
export function toRelative(rect: PixelRect, imgW: number, imgH: number): CropBox {
  return { x: rect.left / imgW, y: rect.top / imgH, width: rect.width / imgW, height: rect.height / imgH };
}
