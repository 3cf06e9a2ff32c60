// The dashboard's and the CLI's "put these photos back": analyse skipped photos
// anyway, retry failed ones, re-run a set. Each is a named transition of
// lib/photos/lifecycle.ts (which owns every write of a photo's state); this
// file says which one each button means and wakes the image worker when
// photos go back to it.
import { notifyUploaded } from "@/lib/images/wake";
import { analyseAnyway, requeueForRerun as requeueForRerunTransition, retryFailed } from "@/lib/photos";

/**
 * "Analyse anyway": photos fast mode skipped (all of the set's, or the given
 * ones) go back to the queue with forceAnalyze set, so fast mode lets them through.
 */
export function requeueSkipped(setId: string, photoIds?: string[]): Promise<number> {
  return analyseAnyway(setId, photoIds);
}

/**
 * "Retry failed": each photo goes back to the stage it failed in. One the image
 * pipeline never finished (failedStage PIPELINE: no analysis image) goes back to
 * the pipeline - in the analysis queue it could only fail again. A file the
 * pipeline refused for its content (truncated, corrupt, a pixel bomb) stays
 * failed: the same bytes give the same answer, and retrying it left the set
 * "running" with nothing to run.
 */
export async function requeueFailed(setId: string): Promise<{ images: number; analyses: number }> {
  const r = await retryFailed(setId);
  if (r.images > 0) notifyUploaded();
  return r;
}

/**
 * A re-run of a set: analysed photos and photos whose analysis failed go back
 * to the queue. The cache answers every one whose content, provider, model and
 * prompt version are unchanged (zero requests); the rest are analysed again.
 * Skipped photos stay skipped (see requeueSkipped), and so do photos the image
 * pipeline could not read: they have no analysis image to send, and the file
 * itself is what has to change.
 */
export function requeueForRerun(setId: string): Promise<number> {
  return requeueForRerunTransition(setId);
}
