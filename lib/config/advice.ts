// The guide's troubleshooting table turned into advice computed from a run's
// numbers. Every line names the exact config key and CLI flag to change.
import type { ResolvedConfig } from "./keys";

export interface RunStatsForAdvice {
  requests: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Requests aborted at fast_timeout (or the hard timeout). */
  timeouts: number;
  /** Photos or requests that ended failed after all retries. */
  failures: number;
  /** Fraction 0..1 of requests that succeeded first time. */
  successRate: number;
  /** Achieved requests per second. */
  rps: number;
  /** Requests per second the configured/observed limit allows. */
  ceilingRps: number;
  /** The limit that bound the run and the share of it used (lib/analysis LimitUse). */
  binding?: "requests" | "tokens" | "capacity" | "concurrency" | null;
  limitUsed?: number | null;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** Advice lines, most important first; empty when the run looks healthy. Pass the config to get concrete numbers. */
export function adviceFor(stats: RunStatsForAdvice, cfg?: ResolvedConfig): string[] {
  if (stats.requests <= 0) return [];
  const out: string[] = [];
  const now = (v: number | string | undefined) => (v === undefined ? "" : ` (now ${v})`);
  const limitedShare = stats.rateLimited / stats.requests;
  const timeoutShare = stats.timeouts / stats.requests;

  if (limitedShare > 0.02) {
    out.push(
      `Rate-limit errors: ${pct(limitedShare)} of requests were answered 429. Reduce performance.ai_analysis.parallel_workers` +
        ` (--parallel-workers${now(cfg?.parallelWorkers)}) or raise performance.ai_analysis.rate_limit_delay` +
        ` (--rate-limit-delay${now(cfg?.rateLimitDelayS)}); check llama.performance.max_requests_per_minute` +
        ` (--max-rpm${now(cfg?.maxRequestsPerMinute)}) matches your plan's limit.`,
    );
  }
  if (timeoutShare > 0.02) {
    out.push(
      `Timeout errors: ${pct(timeoutShare)} of requests were not answered in time. Raise llama.performance.fast_timeout` +
        ` (--fast-timeout${now(cfg?.fastTimeoutS)}) or reduce performance.ai_analysis.batch_size` +
        ` (--batch-size${now(cfg?.batchSize)}).`,
    );
  }
  if (stats.successRate < 0.95) {
    out.push(
      `Success rate ${pct(stats.successRate)} is below the 95% the guide recommends` +
        (stats.failures > 0 ? ` (${stats.failures} failed after retries)` : "") +
        `. Start from the conservative profile (--profile conservative) and raise performance.ai_analysis.max_retries` +
        ` (--max-retries${now(cfg?.maxRetries)}) if failures are transient.`,
    );
  }
  const healthy = limitedShare <= 0.02 && timeoutShare <= 0.02;
  // Judge the budget that binds by the share of it used (the engine measures it over the
  // run's steady part): under a tokens/minute limit the request rate is far below its own
  // limit by design, and under 6 requests/min a run's average rate read "0.0 requests/s".
  const used = stats.limitUsed ?? undefined;
  const byBudget = (stats.binding === "tokens" || stats.binding === "requests") && used !== undefined;
  const slow = byBudget ? (used as number) < 0.8 : stats.ceilingRps > 0 && stats.rps < 0.8 * stats.ceilingRps;
  const rate = (rps: number) => (rps < 1 ? `${(rps * 60).toFixed(1)} requests/min` : `${rps.toFixed(1)} requests/s`);
  if (healthy && slow && stats.binding !== "capacity") {
    out.push(
      (byBudget
        ? `Slow: ${pct(used as number)} of the ${stats.binding}/min budget used.`
        : `Slow: ${rate(stats.rps)} of the ${rate(stats.ceilingRps)} the limit allows.`) +
        ` Raise performance.ai_analysis.parallel_workers (--parallel-workers${now(cfg?.parallelWorkers)}) and` +
        ` llama.performance.max_concurrent_requests (--max-concurrent${now(cfg?.maxConcurrentRequests)}), and reduce` +
        ` performance.ai_analysis.batch_delay (--batch-delay${now(cfg?.batchDelayS)}).`,
    );
  }
  return out;
}
