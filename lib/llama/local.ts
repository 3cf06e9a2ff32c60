// Provider "local": no network, no AI. It turns the pipeline's own measurements
// (sharpness, brightness) into a quality score with a reason, names problems from
// the fast-mode thresholds and proposes centred crops. It never writes a caption,
// description or hashtags: it cannot see what is in the photo. The one tag it
// gives is what the face stage counted: "group" for 3 or more faces (the
// category "people" is set on the photo, lib/analysis/writer.ts and
// lib/faces/stage.ts; whichever of scan and analysis comes second applies both).
import type { ResolvedConfig } from "@/lib/config";
import { INSTAGRAM_RATIOS, PROBLEMS, type CropBox, type InstagramRatio, type StoredAnalysis } from "./types";
import type { BatchResult, PhotoInput, VisionProvider } from "./provider";

type Thresholds = ResolvedConfig["fastMode"];
type Problem = (typeof PROBLEMS)[number];

const RATIO_VALUE: Record<InstagramRatio, number> = { "4:5": 4 / 5, "1:1": 1, "1.91:1": 1.91 };

/** The largest centred box of the given width:height ratio, in fractions of the image. */
export function centredCrop(width: number, height: number, ratio: number): CropBox {
  const aspect = width > 0 && height > 0 ? width / height : 1;
  if (aspect > ratio) {
    const w = ratio / aspect;
    return { x: (1 - w) / 2, y: 0, width: w, height: 1 };
  }
  const h = aspect / ratio;
  return { x: 0, y: (1 - h) / 2, width: 1, height: h };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** A photo with this many faces or more is a group photo. */
export const GROUP_MIN_FACES = 3;

/** The local provider's tags for a face count (null: not scanned). */
export function localFaceTags(faceCount: number | null | undefined): string[] {
  return faceCount != null && faceCount >= GROUP_MIN_FACES ? ["group"] : [];
}

export function localAnalysis(photo: PhotoInput, t: Thresholds): StoredAnalysis & { source: "local" } {
  const problems: Problem[] = [];
  const parts: number[] = [];
  const said: string[] = [];
  if (photo.sharpness !== null) {
    const blurred = photo.sharpness < t.minSharpness;
    if (blurred) problems.push("blur");
    // Full marks from twice the blur threshold up; linear below.
    parts.push(Math.min(1, photo.sharpness / (2 * t.minSharpness || 1)));
    said.push(`sharpness ${photo.sharpness.toFixed(2)}${blurred ? ` (blurred: below ${t.minSharpness})` : ""}`);
  }
  if (photo.brightness !== null) {
    const b = photo.brightness;
    if (b < t.minBrightness) problems.push("underexposed");
    if (b > t.maxBrightness) problems.push("overexposed");
    // Best at mid-grey, falling to 0 at pure black or white.
    parts.push(Math.max(0, 1 - Math.abs(b - 0.5) / 0.5));
    const verdict = b < t.minBrightness ? " (underexposed)" : b > t.maxBrightness ? " (overexposed)" : "";
    said.push(`brightness ${b.toFixed(2)}${verdict}`);
  }
  const score = parts.length ? round1((10 * parts.reduce((a, b) => a + b, 0)) / parts.length) : 5;
  const reason = parts.length
    ? `Measured locally, not analysed by AI: ${said.join(", ")}.`
    : "Measured locally, not analysed by AI: no sharpness or brightness measurement was available.";
  const crops = Object.fromEntries(
    INSTAGRAM_RATIOS.map((r) => [r, centredCrop(photo.width, photo.height, RATIO_VALUE[r])]),
  ) as Record<InstagramRatio, CropBox>;
  return { source: "local", quality: { score, reason }, problems, crops, tags: localFaceTags(photo.faceCount) };
}

export function createLocalProvider(cfg: ResolvedConfig): VisionProvider {
  return {
    name: "local",
    model: "local-measurements",
    promptVersion: "local-v1",
    usesNetwork: false,
    analyze(batch: PhotoInput[]): Promise<BatchResult> {
      return Promise.resolve({
        outcomes: batch.map((p) => ({ photoId: p.id, ok: true as const, analysis: localAnalysis(p, cfg.fastMode), repairs: [] })),
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        rateLimit: {},
        latencyMs: 0,
      });
    },
    estimateTokens: () => 0,
  };
}
