// What the dashboard polls (~1/s, lib/runs/dashboard.ts) and what other areas
// read. Cheap on purpose: one GROUP BY on the (setId, state) index and one
// lookup on (setId, startedAt). Putting photos back in the queue is lib/runs.
import { db, type PhotoState } from "@/lib/db";

export type StateCounts = Record<PhotoState, number>;

/** A set's photos by state and its latest run: what the dashboard is built on. */
export interface AnalysisProgress {
  counts: StateCounts;
  /** FAILED photos "Retry failed" can help (not refused for their content). */
  retryableFailed: number;
  total: number;
  /** The latest run of this set (live while it runs), or null before the first. */
  run: Awaited<ReturnType<typeof getRunStats>>;
}

export const EMPTY_COUNTS: StateCounts = { UPLOADED: 0, PROCESSING: 0, QUEUED: 0, ANALYZING: 0, ANALYZED: 0, SKIPPED: 0, FAILED: 0 };

export async function getSetProgress(setId: string): Promise<AnalysisProgress> {
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
