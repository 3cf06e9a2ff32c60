// What the UI polls (~1/s) and what other areas read. Cheap on purpose: one
// GROUP BY on the (setId, state) index and one lookup on (setId, startedAt).
import { db, type PhotoState } from "@/lib/db";
import { notifyUploaded } from "@/lib/images/wake";
import type { StoredAnalysis } from "@/lib/llama";
import { analyseAnyway, requeueForRerun as requeueForRerunTransition, retryFailed } from "@/lib/photos";

export type StateCounts = Record<PhotoState, number>;

export interface SetProgress {
  counts: StateCounts;
  /** FAILED photos "Retry failed" can help (not refused for their content). */
  retryableFailed: number;
  total: number;
  /** The latest run of this set (live while it runs), or null before the first. */
  run: Awaited<ReturnType<typeof getRunStats>>;
}

export const EMPTY_COUNTS: StateCounts = { UPLOADED: 0, PROCESSING: 0, QUEUED: 0, ANALYZING: 0, ANALYZED: 0, SKIPPED: 0, FAILED: 0 };

export async function getSetProgress(setId: string): Promise<SetProgress> {
  const [groups, run] = await Promise.all([
    db().photo.groupBy({ by: ["state", "unreadable"], where: { setId }, _count: { _all: true } }),
    getRunStats(setId),
  ]);
  const counts: StateCounts = { ...EMPTY_COUNTS };
  let retryableFailed = 0;
  for (const g of groups) {
    counts[g.state] += g._count._all;
    if (g.state === "FAILED" && !g.unreadable) retryableFailed += g._count._all;
  }
  return { counts, retryableFailed, total: Object.values(counts).reduce((a, b) => a + b, 0), run };
}

/** The latest AnalysisRun row of a set. */
export function getRunStats(setId: string) {
  return db().analysisRun.findFirst({ where: { setId }, orderBy: { startedAt: "desc" }, omit: { config: true } });
}

/** The stored analysis of a photo (null when not analysed). Tenant check is the caller's. */
export async function analysisForPhoto(photoId: string): Promise<StoredAnalysis | null> {
  const p = await db().photo.findUnique({ where: { id: photoId }, select: { analysis: { select: { result: true } } } });
  return (p?.analysis?.result as StoredAnalysis | undefined) ?? null;
}

/** Analyses of many photos at once, by photo id. */
export async function analysesForPhotos(photoIds: string[]): Promise<Map<string, StoredAnalysis>> {
  if (photoIds.length === 0) return new Map();
  const rows = await db().photo.findMany({
    where: { id: { in: photoIds }, analysisId: { not: null } },
    select: { id: true, analysis: { select: { result: true } } },
  });
  return new Map(rows.flatMap((r) => (r.analysis ? [[r.id, r.analysis.result as unknown as StoredAnalysis] as const] : [])));
}

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
