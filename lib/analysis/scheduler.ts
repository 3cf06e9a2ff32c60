// Sends one batch request at a time through the budget: bottleneck holds the
// concurrency slots (maxConcurrent follows the AIMD/Little's-law limit live),
// the RateGate paces starts within the per-minute budget, the shared Redis
// budget (when REDIS_URL is set) is taken last, and every request is aborted
// at fast_timeout. One call = one attempt: retries are scheduled by the caller
// as NEW jobs after their back-off, so a waiting retry holds no slot.
import Bottleneck from "bottleneck";
import type { ResolvedConfig } from "@/lib/config";
import { ProviderError, type BatchResult, type PhotoInput, type VisionProvider } from "@/lib/llama";
import { ConcurrencyController } from "./concurrency";
import { DEFAULT_BURST_SECONDS, RateBudget } from "./rate-budget";
import { RateGate } from "./rate-gate";
import type { SharedBudget } from "./shared-budget";

export type Attempt =
  | { ok: true; result: BatchResult; latencyMs: number }
  | { ok: false; error: ProviderError; latencyMs: number };

export interface SchedulerEvents {
  onRequest?(n: number): void;
  onResult?(a: Attempt, batchSize: number): void;
  debug?(msg: string): void;
}

/** Priorities (bottleneck: lower runs first): retries go ahead of new work. */
export const PRIORITY_RETRY = 3;
export const PRIORITY_NEW = 5;

const BURST_SECONDS = DEFAULT_BURST_SECONDS;

export class RequestScheduler {
  readonly budget: RateBudget;
  readonly gate: RateGate;
  readonly concurrency: ConcurrencyController;
  private readonly limiter: Bottleneck;
  private maxConcurrent: number;
  private inFlight = 0;
  private readonly timeoutMs: number;

  constructor(
    private readonly provider: VisionProvider,
    private readonly cfg: ResolvedConfig,
    private readonly events: SchedulerEvents = {},
    private readonly shared?: SharedBudget,
    private readonly now: () => number = Date.now,
  ) {
    const cap = Math.max(1, Math.min(cfg.parallelWorkers, cfg.maxConcurrentRequests));
    // A local analyser spends no API budget: only the worker count limits it.
    const unlimited = !provider.usesNetwork;
    this.budget = new RateBudget(
      {
        requestsPerMinute: unlimited ? 1e9 : cfg.maxRequestsPerMinute,
        tokensPerMinute: unlimited ? 1e15 : cfg.maxTokensPerMinute,
        burst: cfg.burstMode,
        burstSeconds: BURST_SECONDS,
      },
      now(),
    );
    this.gate = new RateGate(this.budget, now, (reason, ms) => events.debug?.(`wait ${reason} ${ms.toFixed(0)}ms`));
    this.concurrency = new ConcurrencyController({ max: cap, adaptive: cfg.adaptiveRateLimiting });
    this.maxConcurrent = this.currentLimit();
    this.limiter = new Bottleneck({ maxConcurrent: this.maxConcurrent });
    this.timeoutMs = Math.min(cfg.fastTimeoutS, cfg.timeoutS) * 1000;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }
  get limit(): number {
    return this.maxConcurrent;
  }
  /** Requests per second the budget allows now. */
  get ceilingRps(): number {
    return this.provider.usesNetwork ? this.budget.ratePerS : 0;
  }

  private currentLimit(): number {
    return this.concurrency.limit(this.budget.ratePerS, this.cfg.burstMode ? this.budget.capacity() : 0);
  }

  private retune(): void {
    const next = this.currentLimit();
    if (next === this.maxConcurrent) return;
    this.events.debug?.(`concurrency ${this.maxConcurrent} -> ${next}`);
    this.maxConcurrent = next;
    void this.limiter.updateSettings({ maxConcurrent: next });
  }

  /**
   * One attempt of one batch. Never throws a ProviderError: it is returned.
   * Other errors (abort) propagate. `signal` aborts the attempt at any point,
   * the request included; `beforeSend` only while it waits for its slot and
   * rate budget (its set was paused or cancelled): a request already sent is
   * answered and saved, one not yet sent is not sent.
   */
  send(batch: PhotoInput[], priority: number, signal: AbortSignal, beforeSend?: AbortSignal): Promise<Attempt> {
    // Bottleneck's expiration is a safety net for a job that somehow never
    // settles; the request itself is aborted at fast_timeout below.
    return this.limiter.schedule({ priority, expiration: this.timeoutMs + 10 * 60_000 }, () => this.attempt(batch, signal, beforeSend));
  }

  private async attempt(batch: PhotoInput[], signal: AbortSignal, beforeSend?: AbortSignal): Promise<Attempt> {
    const waiting = beforeSend ? AbortSignal.any([signal, beforeSend]) : signal;
    waiting.throwIfAborted();
    const tokens = this.provider.estimateTokens(batch);
    await this.gate.acquire(tokens, waiting);
    if (this.shared) await this.shared.acquire();
    waiting.throwIfAborted();
    this.inFlight += 1;
    this.events.onRequest?.(batch.length);
    const started = this.now();
    let a: Attempt;
    try {
      const result = await this.provider.analyze(batch, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      a = { ok: true, result, latencyMs: this.now() - started };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      a = { ok: false, error: err, latencyMs: this.now() - started };
    } finally {
      this.inFlight -= 1;
    }
    this.learn(a, batch.length, started);
    this.events.onResult?.(a, batch.length);
    // batch_delay: the worker's pause between its batches; it keeps its slot.
    if (this.cfg.batchDelayS > 0 && this.provider.usesNetwork) await sleep(this.cfg.batchDelayS * 1000, signal);
    return a;
  }

  private learn(a: Attempt, n: number, sentAt: number): void {
    const now = this.now();
    if (a.ok) {
      this.budget.observe(a.result.rateLimit, now, sentAt);
      this.concurrency.onSuccess(a.latencyMs);
      this.events.debug?.(`ok ${n} img ${a.latencyMs.toFixed(0)}ms remaining=${a.result.rateLimit.remainingRequests ?? "?"}`);
    } else {
      const e = a.error;
      if (e.rateLimit) this.budget.observe(e.rateLimit, now, sentAt);
      if (e.kind === "rate_limited") {
        // Everyone waits: Retry-After when given, else rate_limit_delay (at least 1 s).
        const pause = e.retryAfterMs ?? Math.max(1000, this.cfg.rateLimitDelayS * 1000);
        this.budget.pause(pause, now);
        this.gate.poke();
      }
      const loss = e.kind === "rate_limited" || e.kind === "timeout" || e.kind === "server";
      const cut = loss && this.concurrency.onLoss(now, this.inFlight + 1);
      this.events.debug?.(`fail ${e.kind}${e.status ? ` ${e.status}` : ""} ${n} img ${a.latencyMs.toFixed(0)}ms${cut ? " (concurrency cut)" : ""}: ${e.message}`);
    }
    this.retune();
  }

  async close(): Promise<void> {
    this.gate.close();
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export { BURST_SECONDS };
