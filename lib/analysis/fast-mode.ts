// Fast mode (enable_fast_mode): the pipeline's own measurements decide, before
// a photo costs any budget, that it is not worth sending: a near-duplicate that
// is not its group's best, too blurred, too dark or too bright. Such photos are
// SKIPPED with a readable reason; Photo.forceAnalyze (the "analyse anyway"
// button, `--analyze-skipped`) bypasses this.
import type { ResolvedConfig } from "@/lib/config";
import type { ClaimedPhoto } from "./queue";

export function fastModeSkipReason(p: ClaimedPhoto, cfg: ResolvedConfig): string | null {
  if (!cfg.enableFastMode || p.forceAnalyze) return null;
  const t = cfg.fastMode;
  if (p.duplicateGroupId && p.keeperPhotoId && p.keeperPhotoId !== p.id) {
    return "Near-duplicate of a better photo in its group (fast mode).";
  }
  if (p.sharpness !== null && p.sharpness < t.minSharpness) {
    return `Too blurred: sharpness ${p.sharpness.toFixed(3)} is below fast_mode.min_sharpness ${t.minSharpness} (fast mode).`;
  }
  if (p.brightness !== null && p.brightness < t.minBrightness) {
    return `Too dark: brightness ${p.brightness.toFixed(2)} is below fast_mode.min_brightness ${t.minBrightness} (fast mode).`;
  }
  if (p.brightness !== null && p.brightness > t.maxBrightness) {
    return `Too bright: brightness ${p.brightness.toFixed(2)} is above fast_mode.max_brightness ${t.maxBrightness} (fast mode).`;
  }
  return null;
}
