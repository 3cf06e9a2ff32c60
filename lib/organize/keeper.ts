// The one rule for which copy of a near-duplicate group to keep, used by the
// image pipeline (a photo joins a group), the album refresh (Best picks holds
// only keepers), fast mode (non-keepers are not sent) and the cards that show
// the keeper with the reason.
//
// A photographer keeps the copy with the most picture in it. So:
//   1. a copy that could not be read or analysed (FAILED) never beats one that could;
//   2. among the rest, only copies close to the largest (at least 1/1.5 of its
//      pixels) compete: a 640x400 GIF never beats its 2560x1600 JPEG twin,
//      whatever it scores - a downscaled copy measures sharper and the model
//      may like it as well, but it prints and crops worse;
//   3. of those, a full-colour format beats GIF (256 colours);
//   4. then the score (Instagram score, or the quality score of local
//      measurements) less the face penalty (closed eyes, an unsharp main face:
//      faces.ts), then sharpness (comparable now: similar sizes), then
//      pixels, then the id so the suggestion is stable between runs.
import { faceProblems, facePenalty, type FaceScanRow } from "./faces";

export interface KeeperCandidate {
  id: string;
  instagramScore: number | null;
  qualityScore: number | null;
  sharpness: number | null;
  width: number | null;
  height: number | null;
  /** "image/gif" ranks below full-colour formats of a similar size. */
  mimeType?: string | null;
  /** FAILED copies rank last. */
  state?: string | null;
  /** The face stage's scan: shut eyes and a soft main face cost score. */
  faceScan?: Pick<FaceScanRow, "faceCount" | "eyesClosed" | "mainFaceSharpness"> | null;
}

export interface KeeperChoice {
  keeperId: string;
  /** Why it beat the runner-up, in words for the card: "4x the pixels". Null in a group of one. */
  reason: string | null;
}

/** A copy needs at least this share of the largest copy's pixels to compete on score. */
const SIZE_BAND = 1.5;

export function photoScore(p: { instagramScore: number | null; qualityScore: number | null }): number | null {
  return p.instagramScore ?? p.qualityScore ?? null;
}

const pixels = (p: KeeperCandidate) => (p.width ?? 0) * (p.height ?? 0);
const failed = (p: KeeperCandidate) => p.state === "FAILED";
const lowColour = (p: KeeperCandidate) => p.mimeType === "image/gif";
const FORMAT_NAME: Record<string, string> = {
  "image/jpeg": "JPEG",
  "image/png": "PNG",
  "image/webp": "WebP",
  "image/avif": "AVIF",
  "image/tiff": "TIFF",
  "image/gif": "GIF",
};

/** Orders the candidates best first, by the rule above. */
export function rankKeepers<T extends KeeperCandidate>(candidates: T[]): T[] {
  const usable = candidates.filter((c) => !failed(c));
  const largest = Math.max(0, ...(usable.length ? usable : candidates).map(pixels));
  const competes = (c: KeeperCandidate) => !failed(c) && pixels(c) * SIZE_BAND >= largest;
  const key = (c: KeeperCandidate) => ({
    tier: failed(c) ? 2 : competes(c) ? 0 : 1,
    gif: competes(c) && lowColour(c) ? 1 : 0,
    score: competes(c) ? (photoScore(c) ?? -Infinity) - facePenalty(c.faceScan) : 0,
    sharp: competes(c) ? (c.sharpness ?? -Infinity) : 0,
    px: pixels(c),
  });
  return [...candidates]
    .map((c) => ({ c, k: key(c) }))
    .sort(
      (a, b) =>
        a.k.tier - b.k.tier ||
        a.k.gif - b.k.gif ||
        b.k.score - a.k.score ||
        b.k.sharp - a.k.sharp ||
        b.k.px - a.k.px ||
        (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0),
    )
    .map((x) => x.c);
}

/** The suggested keeper and why, or null for an empty group. */
export function chooseKeeperOf(candidates: KeeperCandidate[]): KeeperChoice | null {
  const [keeper, runnerUp] = rankKeepers(candidates);
  if (!keeper) return null;
  return { keeperId: keeper.id, reason: runnerUp ? keeperReason(keeper, runnerUp) : null };
}

export function suggestKeeper(candidates: KeeperCandidate[]): string | null {
  return chooseKeeperOf(candidates)?.keeperId ?? null;
}

/** What decided between the keeper and the next-best copy, in the rule's order. */
export function keeperReason(keeper: KeeperCandidate, other: KeeperCandidate): string {
  if (failed(other) && !failed(keeper)) return "the other copy could not be analysed";
  const kp = pixels(keeper);
  const op = pixels(other);
  if (op > 0 && kp >= op * SIZE_BAND) return `${formatRatio(kp / op)} the pixels`;
  if (lowColour(other) && !lowColour(keeper)) return `${FORMAT_NAME[keeper.mimeType ?? ""] ?? "full colour"}, not GIF`;
  const kf = facePenalty(keeper.faceScan);
  const of = facePenalty(other.faceScan);
  if (of > kf && other.faceScan) {
    const said = faceProblems(other.faceScan).map((x) => x.text).join(", ");
    if (said) return `the other copy: ${said}`;
  }
  const ks = photoScore(keeper);
  const os = photoScore(other);
  if (ks !== null && ks !== (os ?? null)) return os === null ? `scored ${ks.toFixed(1)}` : `higher score (${ks.toFixed(1)} vs ${os.toFixed(1)})`;
  if ((keeper.sharpness ?? -Infinity) > (other.sharpness ?? -Infinity)) return "sharper";
  if (kp > op) return "more pixels";
  return "the copies are alike";
}

/** 4 -> "4x", 2.25 -> "2.3x". */
function formatRatio(r: number): string {
  const rounded = Math.round(r * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}x`;
}
