// The dashboard's one poll (about once a second): state counts, the live run
// (speed, ETA, success rate, rate-limit state) and who analyses. Built on the
// engine's getSetProgress (one GROUP BY + one row). It never refreshes albums:
// they follow results as the engine writes them (docs/decisions/005).
import { getSetProgress, requestSuccessRate, type AnalysisProgress, type StateCounts } from "@/lib/analysis";
import { db, type RunStatus, type SetStatus } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { providerStatus, type ProviderStatus } from "./provider-status";

/**
 * What a person should read off the badge. The set's status alone misleads:
 * an IDLE set's queued photos are analysed all the same (uploads start work
 * by themselves), and a RUNNING set with nothing left is simply done.
 */
export type SetActivity = "empty" | "preparing" | "analysing" | "done" | "paused" | "cancelled";

export function setActivity(status: SetStatus, counts: StateCounts, total: number): SetActivity {
  if (status === "PAUSED") return "paused";
  if (status === "CANCELLED") return "cancelled";
  if (total === 0) return "empty";
  if (counts.QUEUED + counts.ANALYZING > 0) return "analysing";
  if (counts.UPLOADED + counts.PROCESSING > 0) return "preparing";
  return "done";
}

export interface DashboardProgress {
  setId: string;
  status: SetStatus;
  activity: SetActivity;
  counts: StateCounts;
  /** Failed photos "Retry failed" can help; the rest of FAILED were refused for their content. */
  retryableFailed: number;
  total: number;
  /** Photos that reached an end state (analysed, skipped or failed). */
  done: number;
  percent: number;
  run: {
    status: RunStatus;
    provider: string;
    model: string;
    imagesPerS: number;
    etaS: number | null;
    /** Photos analysed of photos attempted (analysed or failed), null before any ended. */
    successRate: number | null;
    /** Requests answered well the first time (the guide's request success), null before the first request. */
    requestSuccessRate: number | null;
    /** Photos analysed from a repaired answer instead of a retry. */
    repaired: number;
    /** Tokens charged per photo analysed by a request, null before any. */
    tokensPerPhoto: number | null;
    /** The limit that held the run back and the share of it used (requests/tokens per minute; null for capacity). */
    bindingLimit: string | null;
    limitUsed: number | null;
    requests: number;
    rateLimited: number;
    retries: number;
    timeouts: number;
    tokensUsed: number;
    concurrency: number;
    concurrencyLimit: number;
    requestsPerS: number;
    /** Share of the request budget in use (0..1), when known: see requestBudget. */
    budgetUsed: number | null;
    /** Requests per minute the budget allows: what the engine paces to, else the configured limit. */
    ceilingRpm: number | null;
    backingOff: boolean;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
    lastError: string | null;
    advice: string | null;
    startedAt: Date;
    finishedAt: Date | null;
  } | null;
  provider: ProviderStatus;
}

/**
 * Many dashboards poll the same set (100 pollers in bench:progress): they
 * share one read per set for SHARE_MS, so the database sees a few reads per
 * second per set, not one per poller. Still fresher than the 1 s poll period.
 */
const SHARE_MS = 400;
const shared = new Map<string, { at: number; value: Promise<{ status: SetStatus; progress: AnalysisProgress } | null> }>();

function readSet(teamId: string, setId: string) {
  const key = `${teamId}:${setId}`;
  const now = Date.now();
  const hit = shared.get(key);
  if (hit && now - hit.at < SHARE_MS) return hit.value;
  if (shared.size > 1000) {
    for (const [k, v] of shared) if (now - v.at >= SHARE_MS) shared.delete(k);
  }
  const value = (async () => {
    const set = await db().photoSet.findFirst({ where: { id: setId, teamId }, select: { status: true } });
    if (!set) return null;
    return { status: set.status, progress: await getSetProgress(setId) };
  })();
  value.catch(() => shared.delete(key));
  shared.set(key, { at: now, value });
  return value;
}

/** After start/pause/retry: the next poll must not see the old status. */
export function forgetDashboardProgress(teamId: string, setId: string): void {
  shared.delete(`${teamId}:${setId}`);
}

export async function dashboardProgress(teamId: string, setId: string): Promise<DashboardProgress> {
  const read = await readSet(teamId, setId);
  if (!read) throw notFound("Photo set not found");
  const { status, progress: p } = read;
  const provider = providerStatus();
  const done = p.counts.ANALYZED + p.counts.SKIPPED + p.counts.FAILED;
  const r = p.run;
  return {
    setId,
    status,
    activity: setActivity(status, p.counts, p.total),
    counts: p.counts,
    retryableFailed: p.retryableFailed,
    total: p.total,
    done,
    percent: p.total ? Math.floor((done / p.total) * 1000) / 10 : 0,
    run: r
      ? {
          status: r.status,
          provider: r.provider,
          model: r.model,
          imagesPerS: r.imagesPerS,
          etaS: r.etaS,
          successRate: r.analyzed + r.failed > 0 ? r.analyzed / (r.analyzed + r.failed) : null,
          requestSuccessRate: requestSuccessRate(r.requests, r.failedRequests),
          repaired: r.repaired,
          tokensPerPhoto: r.analyzed > 0 && r.tokensUsed > 0 ? Math.round(r.tokensUsed / r.analyzed) : null,
          bindingLimit: r.bindingLimit,
          limitUsed: r.limitUsed,
          requests: r.requests,
          rateLimited: r.rateLimited,
          retries: r.retries,
          timeouts: r.timeouts,
          tokensUsed: r.tokensUsed,
          concurrency: r.concurrency,
          concurrencyLimit: r.concurrencyLimit,
          requestsPerS: r.requestsPerS,
          ...requestBudget(r, provider.maxRequestsPerMinute),
          backingOff: r.backingOff,
          latencyP50Ms: r.latencyP50Ms,
          latencyP95Ms: r.latencyP95Ms,
          lastError: r.lastError,
          advice: r.advice,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
        }
      : null,
    provider,
  };
}

/**
 * The rate in use against the rate the engine was allowed. The engine's own
 * ceiling comes first: it is the configured limit until the provider's headers
 * or 429s say the real one is lower, and then the configured figure would
 * show a saturated budget as nearly unused. Runs recorded before the ceiling
 * was stored fall back to the configured limit; a local run sends no requests
 * and has no budget.
 */
function requestBudget(
  r: { provider: string; requestsPerS: number; ceilingRps: number },
  configuredRpm: number | null,
): { budgetUsed: number | null; ceilingRpm: number | null } {
  const allowedRpm = r.provider === "local" ? null : r.ceilingRps > 0 ? r.ceilingRps * 60 : configuredRpm;
  if (!allowedRpm) return { budgetUsed: null, ceilingRpm: null };
  return { budgetUsed: Math.min(1, (r.requestsPerS * 60) / allowedRpm), ceilingRpm: Math.round(allowedRpm) };
}
