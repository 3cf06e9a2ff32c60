// Live statistics of one run, counted in memory and written to its
// AnalysisRun row at most once a second (never per request), plus the final
// report. Rates are over the last few seconds while running, over the whole
// run in the report.
import { adviceFor, type ResolvedConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db";

export interface RunCounters {
  images: number;
  analyzed: number;
  cached: number;
  failed: number;
  skipped: number;
  requests: number;
  rateLimited: number;
  retries: number;
  timeouts: number;
  tokensUsed: number;
  /** Photos analysed from a repaired answer (instead of a retry). */
  repaired: number;
}

/** The limit that held a run back, and how much of it the run used. */
export interface LimitUse {
  binding: "requests" | "tokens" | "capacity" | "concurrency" | null;
  /** 0..1 of the requests or tokens per minute allowed over the run; null for capacity/concurrency. */
  used: number | null;
}

export interface RunReport extends RunCounters {
  runId: string;
  /** Photos analysed of photos attempted (sent to the analyser or failed on the way), 0..1; null when none was. */
  successRate: number | null;
  /** Requests answered well the first time, 0..1 (the guide's success rate); null without requests. */
  requestSuccessRate: number | null;
  /** Tokens charged per photo analysed by a request; null when none was. */
  tokensPerPhoto: number | null;
  /** Photos per request, over the requests that were answered. */
  photosPerRequest: number | null;
  limit: LimitUse;
  elapsedS: number;
  imagesPerS: number;
  requestsPerS: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Requests per second the rate limit allows (the ceiling the run is measured against). */
  ceilingRps: number;
  /** Requests that failed as a whole (any reason, before retries). */
  failedRequests: number;
  lastError: string | null;
  advice: string[];
  cancelled: boolean;
  /** Seconds from the start to the first and to the last request sent. */
  firstRequestS: number | null;
  lastRequestS: number | null;
}

export interface LiveGauges {
  concurrency: number;
  concurrencyLimit: number;
  backingOff: boolean;
  ceilingRps: number;
  limit: LimitUse;
}

const RATE_WINDOW_MS = 5_000;

export class RunStats {
  readonly c: RunCounters = {
    images: 0,
    analyzed: 0,
    cached: 0,
    failed: 0,
    skipped: 0,
    requests: 0,
    rateLimited: 0,
    retries: 0,
    timeouts: 0,
    tokensUsed: 0,
    repaired: 0,
  };
  failedRequests = 0;
  lastError: string | null = null;
  private latencies: number[] = [];
  private latencyNext = 0;
  // Recent request / image completion times for live rates.
  private recentReq: number[] = [];
  private recentImg: number[] = [];
  readonly startedAt: number;

  constructor(
    readonly runId: string,
    private readonly cfg: ResolvedConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  firstRequestAt: number | undefined;
  lastRequestAt: number | undefined;

  request(): void {
    this.c.requests += 1;
    const t = this.now();
    this.firstRequestAt ??= t;
    this.lastRequestAt = t;
    this.recentReq.push(t);
    trim(this.recentReq, t);
  }
  imagesDone(n: number): void {
    const t = this.now();
    for (let i = 0; i < n; i++) this.recentImg.push(t);
    trim(this.recentImg, t);
  }
  latency(ms: number): void {
    // A ring of the last 2000 samples is plenty for p50/p95.
    if (this.latencies.length < 2000) this.latencies.push(ms);
    else this.latencies[this.latencyNext] = ms;
    this.latencyNext = (this.latencyNext + 1) % 2000;
  }

  percentile(p: number): number | null {
    if (this.latencies.length === 0) return null;
    const s = [...this.latencies].sort((a, b) => a - b);
    return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
  }

  private recentRate(list: number[], now: number): number {
    while (list.length > 0 && (list[0] as number) < now - RATE_WINDOW_MS) list.shift();
    const span = Math.min(RATE_WINDOW_MS, Math.max(1, now - this.startedAt));
    return (list.length * 1000) / span;
  }

  advice(ceilingRps: number, rps: number, limit?: LimitUse): string[] {
    const c = this.c;
    return adviceFor(
      {
        requests: c.requests,
        rateLimited: c.rateLimited,
        timeouts: c.timeouts,
        failures: c.failed,
        successRate: requestSuccessRate(c.requests, this.failedRequests) ?? 1,
        rps,
        ceilingRps,
        binding: limit?.binding,
        limitUsed: limit?.used,
      },
      this.cfg,
    );
  }

  /** The AnalysisRun columns for a live update. */
  live(g: LiveGauges, remaining: number): Prisma.AnalysisRunUpdateInput {
    const now = this.now();
    const rps = this.recentRate(this.recentReq, now);
    const ips = this.recentRate(this.recentImg, now);
    return {
      ...this.c,
      latencyP50Ms: this.percentile(0.5),
      latencyP95Ms: this.percentile(0.95),
      concurrency: g.concurrency,
      concurrencyLimit: g.concurrencyLimit,
      requestsPerS: round(rps),
      ceilingRps: round(g.ceilingRps),
      imagesPerS: round(ips),
      etaS: ips > 0 ? round(remaining / ips) : null,
      backingOff: g.backingOff,
      failedRequests: this.failedRequests,
      lastError: this.lastError,
      advice: this.advice(g.ceilingRps, rps, g.limit).join("\n") || null,
      bindingLimit: g.limit.binding,
      limitUsed: g.limit.used === null ? null : round(g.limit.used),
    };
  }

  /**
   * Which limit held the run back and how much of it was used, over the time
   * requests were being sent: requests and tokens per minute are measured
   * against the limits in force; the provider's capacity or our own
   * max_concurrent_requests when the scheduler says so.
   */
  limitUse(limits: { requestsPerMinute: number; tokensPerMinute: number }, scheduler: LimitUse["binding"]): LimitUse {
    if (scheduler === null || this.firstRequestAt === undefined) return { binding: scheduler, used: null };
    const minutes = Math.max(1, (this.endedAt ?? this.now()) - this.firstRequestAt) / 60_000;
    const requests = this.c.requests / (limits.requestsPerMinute * minutes);
    const tokens = this.c.tokensUsed / (limits.tokensPerMinute * minutes);
    if (scheduler === "capacity" || scheduler === "concurrency") {
      // A budget nearly spent binds whatever the latency said.
      if (Math.max(requests, tokens) < 0.9) return { binding: scheduler, used: null };
    }
    return requests >= tokens ? { binding: "requests", used: Math.min(1, requests) } : { binding: "tokens", used: Math.min(1, tokens) };
  }

  private endedAt: number | undefined;
  /** Marks the end of the measured run (later report() calls use it). */
  end(): void {
    this.endedAt ??= this.now();
  }

  report(ceilingRps: number, cancelled: boolean, limit: LimitUse = { binding: null, used: null }): RunReport {
    const elapsedS = Math.max(0.001, ((this.endedAt ?? this.now()) - this.startedAt) / 1000);
    const requestsPerS = this.c.requests / elapsedS;
    const attempted = this.c.analyzed + this.c.failed;
    const answered = this.c.requests - this.failedRequests;
    return {
      runId: this.runId,
      ...this.c,
      successRate: attempted > 0 ? round(this.c.analyzed / attempted, 4) : null,
      requestSuccessRate: requestSuccessRate(this.c.requests, this.failedRequests),
      tokensPerPhoto: this.c.analyzed > 0 && this.c.tokensUsed > 0 ? Math.round(this.c.tokensUsed / this.c.analyzed) : null,
      photosPerRequest: answered > 0 && this.c.analyzed > 0 ? round(this.c.analyzed / answered) : null,
      limit,
      elapsedS: round(elapsedS),
      imagesPerS: round((this.c.analyzed + this.c.cached + this.c.skipped) / elapsedS),
      requestsPerS: round(requestsPerS),
      latencyP50Ms: this.percentile(0.5),
      latencyP95Ms: this.percentile(0.95),
      ceilingRps: round(ceilingRps),
      failedRequests: this.failedRequests,
      lastError: this.lastError,
      // "Too slow" advice only when there was work for at least 10 s at the ceiling:
      // a small run cannot fill the pipe whatever the settings.
      advice: this.advice(this.c.requests >= ceilingRps * 10 ? ceilingRps : 0, requestsPerS, this.c.requests >= 10 ? limit : undefined),
      cancelled,
      firstRequestS: this.firstRequestAt === undefined ? null : round((this.firstRequestAt - this.startedAt) / 1000),
      lastRequestS: this.lastRequestAt === undefined ? null : round((this.lastRequestAt - this.startedAt) / 1000),
    };
  }
}

/** Keeps only the rate window (a worker runs for days). */
function trim(list: number[], now: number): void {
  if (list.length < 4096) return;
  let i = 0;
  while (i < list.length && (list[i] as number) < now - RATE_WINDOW_MS) i++;
  list.splice(0, i);
}

function round(x: number, places = 2): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

/**
 * The guide's success rate (keep it above 95%): the share of requests answered
 * well the first time; 429s, timeouts and bad answers count against it even
 * when a retry saved the photo. The dashboard shows this and the advice uses it.
 */
export function requestSuccessRate(requests: number, failedRequests: number): number | null {
  return requests > 0 ? Math.max(0, (requests - failedRequests) / requests) : null;
}
