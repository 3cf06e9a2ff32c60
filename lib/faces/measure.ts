// What the face stage keeps of a detection, and the arithmetic behind it: which
// detections count as faces, how open the eyes are (from the face mesh's eye
// landmarks) and how sharp each face is. Pure functions over numbers and
// pixels, so they are tested without the model.
import { laplacianVariance } from "@/lib/images/metrics";

/** A face box in fractions (0..1) of the oriented image, like the crops. */
export interface RelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face as stored in FaceScan.faces. */
export interface FaceFact {
  box: RelBox;
  /** The detector's confidence in the box and the mesh's in the face (0..1). */
  score: number;
  /** Eye opening / eye width, the mean of both eyes (about 0.4 open, under 0.2 shut). */
  eyesOpen: number;
  eyesClosed: boolean;
  /** Laplacian variance of the face resampled to FACE_SHARPNESS_SIDE px (see faceSharpness); null for a face too small to judge. */
  sharpness: number | null;
}

/** What the detector reports per candidate, in pixels of the image it saw. */
export interface RawFace {
  box: [number, number, number, number];
  boxScore: number;
  faceScore: number;
  /** The face mesh: 468 points [x, y, z] (478 with the iris model), in image pixels. */
  mesh: number[][];
}

/**
 * A candidate is a face when the face mesh is sure of it. The detector's box
 * score alone is weak both ways: 0.26-0.36 for real faces of 60-70 px, 0.28-0.53
 * for a squirrel, coins and a motorcycle. The mesh score separates them: 1.000
 * (to 4 places) on the real faces of the tuning and labelled photos, at most
 * 0.98 on everything else (the squirrel; 0.4-0.66 for the rest). A face the
 * mesh sees small reads a little lower (the cameraman's 100 px face: 0.96, box
 * 0.76), so a clear box lets a slightly lower mesh score pass.
 */
export const MIN_BOX_SCORE = 0.2;
export const MIN_FACE_SCORE = 0.99;
const CLEAR_BOX_SCORE = 0.6;
const MIN_FACE_SCORE_CLEAR_BOX = 0.95;

/**
 * Eyes count as closed below this mean opening. With the iris model refining the
 * eye landmarks, open eyes read 0.33-0.48 on the tuning and labelled photos (0.35
 * for a man looking down at his camera), painted-shut lids 0.10-0.20.
 */
export const EYES_CLOSED_BELOW = 0.25;

/** Faces narrower than this (px of the scanned image) are counted, but their eyes and sharpness are not judged. */
export const MIN_JUDGED_FACE_PX = 48;

/**
 * The main face is judged unsharp below this (see faceSharpness): crisp faces
 * read 990-1900 on the labelled photos, the astronaut after a Gaussian blur of
 * sigma 1.5 reads ~185 and of sigma 3 ~30.
 */
export const UNSHARP_FACE_BELOW = 300;

export const FACE_SHARPNESS_SIDE = 96;

// Face mesh landmark indices (MediaPipe's 468-point topology): eyelid top and
// bottom at the eye's middle, and its two corners.
const LEFT_EYE = { top: 159, bottom: 145, inner: 133, outer: 33 };
const RIGHT_EYE = { top: 386, bottom: 374, inner: 362, outer: 263 };

function dist(a: number[] | undefined, b: number[] | undefined): number {
  if (!a || !b) return NaN;
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
}

function eyeOpening(mesh: number[][], e: typeof LEFT_EYE): number {
  const width = dist(mesh[e.inner], mesh[e.outer]);
  const gap = dist(mesh[e.top], mesh[e.bottom]);
  return width > 0 ? gap / width : NaN;
}

/** Mean opening of both eyes (gap between the lids over the eye's width); NaN without a mesh. */
export function eyesOpenness(mesh: number[][]): number {
  return (eyeOpening(mesh, LEFT_EYE) + eyeOpening(mesh, RIGHT_EYE)) / 2;
}

export function isFace(c: Pick<RawFace, "boxScore" | "faceScore">): boolean {
  if (c.boxScore < MIN_BOX_SCORE) return false;
  return c.faceScore >= MIN_FACE_SCORE || (c.boxScore >= CLEAR_BOX_SCORE && c.faceScore >= MIN_FACE_SCORE_CLEAR_BOX);
}

/**
 * Sharpness of a face: the grey face box resampled to a fixed side (area
 * average), then its Laplacian variance. At a fixed side the figure follows the
 * face's edges (eyes, brows, mouth: what a focus miss or a shake softens first)
 * more than its size in pixels: crisp faces of 100-290 px all read 990-1900 on
 * the labelled set, blurred ones 30-185.
 */
export function faceSharpness(grey: Uint8Array, width: number, height: number, box: [number, number, number, number]): number {
  const side = FACE_SHARPNESS_SIDE;
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(width, Math.ceil(box[0] + box[2]));
  const y1 = Math.min(height, Math.ceil(box[1] + box[3]));
  const bw = x1 - x0;
  const bh = y1 - y0;
  if (bw < 3 || bh < 3) return 0;
  const out = new Uint8Array(side * side);
  for (let oy = 0; oy < side; oy++) {
    const sy0 = y0 + Math.floor((oy * bh) / side);
    const sy1 = Math.max(sy0 + 1, y0 + Math.floor(((oy + 1) * bh) / side));
    for (let ox = 0; ox < side; ox++) {
      const sx0 = x0 + Math.floor((ox * bw) / side);
      const sx1 = Math.max(sx0 + 1, x0 + Math.floor(((ox + 1) * bw) / side));
      let sum = 0;
      for (let y = sy0; y < sy1; y++) for (let x = sx0; x < sx1; x++) sum += grey[y * width + x]!;
      out[oy * side + ox] = Math.round(sum / ((sy1 - sy0) * (sx1 - sx0)));
    }
  }
  return laplacianVariance(out, side, side);
}

/** The detector's candidates, in pixels of a width x height image, as stored facts (largest face first). */
export function toFaceFacts(raw: RawFace[], grey: Uint8Array, width: number, height: number): FaceFact[] {
  return raw
    .filter(isFace)
    .map((f) => {
      const [x, y, w, h] = f.box;
      const judged = w >= MIN_JUDGED_FACE_PX;
      const open = eyesOpenness(f.mesh);
      const box = {
        x: clamp01(x / width),
        y: clamp01(y / height),
        width: clamp01((x + w) / width) - clamp01(x / width),
        height: clamp01((y + h) / height) - clamp01(y / height),
      };
      return {
        box: roundBox(box),
        score: round3(Math.min(f.boxScore, f.faceScore)),
        eyesOpen: Number.isFinite(open) ? round3(open) : 1,
        eyesClosed: judged && Number.isFinite(open) && open < EYES_CLOSED_BELOW,
        sharpness: judged ? round3(faceSharpness(grey, width, height, f.box)) : null,
      };
    })
    .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}

export interface FaceSummary {
  faceCount: number;
  eyesClosed: number;
  /** Sharpness of the largest face, when it is big enough to judge. */
  mainFaceSharpness: number | null;
}

export function summarize(faces: FaceFact[]): FaceSummary {
  const main = faces[0];
  return {
    faceCount: faces.length,
    eyesClosed: faces.filter((f) => f.eyesClosed).length,
    mainFaceSharpness: main?.sharpness ?? null,
  };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const roundBox = (b: RelBox): RelBox => ({ x: round4(b.x), y: round4(b.y), width: round4(b.width), height: round4(b.height) });
const round4 = (v: number) => Math.round(v * 10000) / 10000;
