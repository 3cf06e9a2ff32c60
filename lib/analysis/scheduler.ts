// Sends one batch request at a time through the budget: bottleneck holds the
// concurrency slots (maxConcurrent follows the ConcurrencyController live),
// the RateGate paces starts within the per-minute budgets, the shared Redis
// budget (when REDIS_URL is set) is taken last. Each request books the tokens
// it may cost (prompt by the model's tiling + the answer allowance it sends)
// and is settled to what the answer says it cost. A watchdog aborts a request
// that runs past three times the latency measured for its size (at least
// fast_timeout, at most timeout). One call = one attempt: retries are
// scheduled by the caller as NEW jobs after their back-off, so a waiting retry
// holds no slot.
import Bottleneck from "bottleneck";
import type { ResolvedConfig } from "@/lib/config";
import { ProviderError, type BatchResult, type PhotoInput, type VisionProvider } from "@/lib/llama";
import { CONGESTED, ConcurrencyController } from "./concurrency";
import { CostModel } from "./cost-model";
import { DEFAULT_BURST_SECONDS, RateBudget } from "./rate-budget";
import { RateGate } from "./rate-gate";
import type { SharedBudget } from "./shared-budget";

export type Attempt =
  | { ok: true; result: BatchResult; latencyMs: number; tokens: number }
  | { ok: false; error: ProviderError; latencyMs: number; tokens: number };

export interface SchedulerEvents {
  onRequest?(n: number): void;
  onResult?(a: Attempt, batchSize: number): void;
  debug?(msg: string): void;
}

/** Priorities (bottleneck: lower runs first): retries go ahead of new work. */
export const PRIORITY_RETRY = 3;
export const PRIORITY_NEW = 5;

const BURST_SECONDS = DEFAULT_BURST_SECONDS;
/** A request may take this many times the latency measured for its size before it is aborted. */
export const TIMEOUT_FACTOR = 3;
const WATCHDOG_MS = 250;

/** Which limit holds the run back now. */
export type BindingLimit = "requests" | "tokens" | "capacity" | "concurrency";

interface Running {
  started: number;
  n: number;
  abort: AbortController;
  /** Kept past the prior's guess (see outlivedThePrior): only the hard timeout ends it. */
  patient?: boolean;
}

export class RequestScheduler {
  readonly budget: RateBudget;
  readonly gate: RateGate;
  readonly concurrency: ConcurrencyController;
  readonly cost = new CostModel();
  private readonly limiter: Bottleneck;
  private maxConcurrent: number;
  private readonly running = new Set<Running>();
  private watchdog: NodeJS.Timeout | undefined;
  /** Photos in the last request retuned for: how long a request holds its slot depends on it. */
  private lastBatch = 1;
  private congestion = 1;

  constructor(
    private readonly provider: VisionProvider,
    private readonly cfg: ResolvedConfig,
    private readonly events: SchedulerEvents = {},
    private readonly shared?: SharedBudget,
    private readonly now: () => number = Date.now,
  ) {
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
    this.concurrency = new ConcurrencyController({
      max: cfg.maxConcurrentRequests,
      initial: Math.min(cfg.parallelWorkers, cfg.maxConcurrentRequests),
      adaptive: cfg.adaptiveRateLimiting,
    });
    this.maxConcurrent = this.currentLimit();
    this.limiter = new Bottleneck({ maxConcurrent: this.maxConcurrent });
  }

  get requestsInFlight(): number {
    return this.running.size;
  }
  get limit(): number {
    return this.maxConcurrent;
  }
  /** Requests per second the request budget allows now. */
  get ceilingRps(): number {
    return this.provider.usesNetwork ? this.budget.ratePerS : 0;
  }

  /** Requests per second the tokens budget allows at what a request costs now (Infinity before any). */
  private rpsByTokens(): number {
    const perRequest = this.budget.tokensPerRequest(this.now());
    return perRequest > 0 ? this.budget.limits.tokensPerMinute / 60 / perRequest : Infinity;
  }

  /** Requests per second the binding budget allows: requests/min, or tokens/min over what a request costs. */
  private allowedRps(): number {
    return Math.min(this.budget.ratePerS, this.rpsByTokens());
  }

  /**
   * The limit that holds the run back: the provider's capacity when latency
   * says we are past its knee or the concurrency cut for it holds the work
   * below what the budget allows, max_concurrent_requests when it is full, else
   * whichever budget allows fewer requests per second - requests/min, or
   * tokens/min over what a request costs (null: no budget, local analysis).
   */
  binding(): BindingLimit | null {
    if (!this.provider.usesNetwork) return null;
    if (this.congestion > CONGESTED) return "capacity";
    if (this.concurrency.capacityBinds(...this.demand(this.lastBatch))) return "capacity";
    if (this.maxConcurrent >= this.cfg.maxConcurrentRequests && this.running.size >= this.maxConcurrent) return "concurrency";
    return this.rpsByTokens() < this.budget.ratePerS ? "tokens" : "requests";
  }

  /** How long a request of n photos holds its slot: its latency, or batch_delay when longer. */
  private holdMs(n: number): number | undefined {
    if (!this.cost.knowsLatency) return undefined;
    return Math.max(this.cost.expectedLatencyMs(n), this.cfg.batchDelayS * 1000);
  }

  /** What the budget asks of concurrency for requests of n photos: their rate, how long each holds a slot, the burst it may release at once. */
  private demand(n: number): [ratePerS: number, holdMs: number | undefined, burst: number] {
    return [this.allowedRps(), this.holdMs(n), this.cfg.burstMode ? this.budget.capacity() : 0];
  }

  private currentLimit(n = 1): number {
    return this.concurrency.limit(...this.demand(n));
  }

  private retune(n: number): void {
    this.lastBatch = n;
    const next = this.currentLimit(n);
    if (next === this.maxConcurrent) return;
    this.events.debug?.(`concurrency ${this.maxConcurrent} -> ${next}`);
    this.maxConcurrent = next;
    void this.limiter.updateSettings({ maxConcurrent: next });
  }

  /**
   * Milliseconds a request of n photos is given: three times the latency
   * measured for that size, at least fast_timeout, at most timeout. Before
   * anything was measured, the prior (5 s a photo) stands in; the watchdog
   * re-checks requests in flight as soon as real figures arrive.
   */
  timeoutMs(n: number): number {
    const floor = this.cfg.fastTimeoutS * 1000;
    const cap = this.hardTimeoutMs();
    // Before any answer the prior (5 s a photo) is a guess: it gets no multiple.
    const expected = this.cost.expectedLatencyMs(n) * (this.cost.knowsLatency ? TIMEOUT_FACTOR : 1);
    return Math.min(cap, Math.max(floor, expected));
  }

  /**
   * The largest batch whose answer fits well inside the timeout (a third of it)
   * at the provider's usual speed. Not at its congested speed: a provider past
   * its knee answers every request slower however the photos are cut into
   * batches (the work is the same), and the concurrency cut is what relieves it;
   * sized on congested latency, batches shrank to 1-2 photos and stayed there.
   */
  batchFitsInTime(): number {
    if (!this.cost.knowsLatency) return Infinity;
    const perPhoto = this.cost.usualLatencyMs(1);
    return perPhoto > 0 ? Math.max(1, Math.floor((this.cfg.timeoutS * 1000) / TIMEOUT_FACTOR / perPhoto)) : Infinity;
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
    // settles; the request itself is aborted by the watchdog.
    return this.limiter.schedule({ priority, expiration: this.cfg.timeoutS * 1000 + 10 * 60_000 }, () => this.attempt(batch, signal, beforeSend));
  }

  private async attempt(batch: PhotoInput[], signal: AbortSignal, beforeSend?: AbortSignal): Promise<Attempt> {
    const waiting = beforeSend ? AbortSignal.any([signal, beforeSend]) : signal;
    waiting.throwIfAborted();
    // The prompt as estimated (text at 3 characters a token, images by their tiles).
    const promptEstimate = this.provider.estimateTokens(batch, 0);
    let maxCompletionTokens = 0;
    const { ticket, tokens, waited } = await this.gate.acquire(() => {
      // Corrected by what answers said the prompt cost, plus the answer allowance; what it should
      // really cost is the prompt and the usual answers (the prior until answers were seen): the
      // rest of the allowance is held until it answers. Both estimates matter: the holds decide
      // how full the provider's bucket must be, the expected cost how soon it is full again.
      // Until answers were seen the whole allowance may be held (answers may be short).
      const prompt = Math.ceil(promptEstimate * this.cost.promptFactor);
      maxCompletionTokens = this.cost.maxCompletionTokens(batch.length);
      const answers = Math.round(batch.length * this.cost.meanAnswerTokens());
      const hold = this.cost.knowsAnswers ? undefined : maxCompletionTokens;
      return { tokens: prompt + maxCompletionTokens, expected: prompt + answers, hold };
    }, waiting);
    if (this.shared) await this.shared.acquire();
    waiting.throwIfAborted();
    if (waited && !this.cost.knowsLatency) {
      this.concurrency.onPacedBeforeMeasured();
      this.retune(batch.length);
    }
    const run: Running = { started: this.now(), n: batch.length, abort: new AbortController() };
    this.running.add(run);
    this.startWatchdog();
    this.events.onRequest?.(batch.length);
    let a: Attempt;
    try {
      const result = await this.provider.analyze(batch, {
        signal: AbortSignal.any([signal, run.abort.signal]),
        maxCompletionTokens,
      });
      const charged = result.usage.totalTokens > 0 ? result.usage.totalTokens : tokens;
      a = { ok: true, result, latencyMs: this.now() - run.started, tokens: charged };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      // A request refused before it ran (429) cost nothing; anything else may have cost what it booked.
      a = { ok: false, error: err, latencyMs: this.now() - run.started, tokens: err.kind === "rate_limited" ? 0 : tokens };
    } finally {
      this.running.delete(run);
    }
    if (!a.ok && a.error.kind === "rate_limited") {
      // Refused before it ran: it cost nothing there. Everyone waits for Retry-After when
      // given (at most a minute, as the official SDKs do), else rate_limit_delay (at least 1 s).
      const e = a.error;
      const fallbackMs = Math.max(1000, this.cfg.rateLimitDelayS * 1000);
      this.budget.refuse(ticket, this.now(), e.retryAfterMs !== undefined ? Math.min(60_000, e.retryAfterMs) : undefined, fallbackMs);
    } else {
      this.budget.settle(ticket, a.tokens, this.now());
    }
    this.gate.poke(); // its held allowance is free again
    this.learn(a, batch.length, run.started, promptEstimate);
    this.events.onResult?.(a, batch.length);
    // batch_delay: the least time between two starts on this slot (it keeps the slot meanwhile).
    const rest = this.cfg.batchDelayS * 1000 - (this.now() - run.started);
    if (rest > 0 && this.provider.usesNetwork) await sleep(rest, signal);
    return a;
  }

  /** timeout: the most any request is given, whatever its size (never below fast_timeout). */
  private hardTimeoutMs(): number {
    return Math.max(this.cfg.fastTimeoutS, this.cfg.timeoutS) * 1000;
  }

  /**
   * Nothing has answered yet and requests in flight outlived the prior's guess:
   * the provider is slower than guessed, or serving more at once than it can -
   * a provider past its capacity shares it, so every request in flight is
   * equally far from done and none answers early. Aborting them all (what each
   * deadline alone would do) throws away everything they got done and starts
   * over. Instead the younger half is let go (they have done the least), which
   * speeds up the rest in a provider that shares its capacity, and the older
   * half is kept until the hard timeout. The aborts read as timeouts: the
   * concurrency halves and their photos go back in smaller batches.
   */
  private outlivedThePrior(now: number): void {
    const waiting = [...this.running].filter((r) => !r.patient);
    if (!waiting.some((r) => now - r.started > this.timeoutMs(r.n))) return;
    const byAge = waiting.sort((a, b) => a.started - b.started);
    const keep = Math.ceil(byAge.length / 2);
    byAge.forEach((r, i) => {
      if (i < keep) r.patient = true;
      else r.abort.abort(new DOMException(`no answer yet from the first ${byAge.length} requests after ${Math.round((now - r.started) / 1000)} s: fewer at once`, "TimeoutError"));
    });
  }

  /** One timer for every request in flight: aborts those past their size's timeout. */
  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      const now = this.now();
      if (!this.cost.knowsLatency) this.outlivedThePrior(now);
      for (const r of this.running) {
        const limit = r.patient ? this.hardTimeoutMs() : this.timeoutMs(r.n);
        if (now - r.started > limit) {
          r.abort.abort(new DOMException(`no answer within ${Math.round(limit / 1000)} s`, "TimeoutError"));
        }
      }
      if (this.running.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  private learn(a: Attempt, n: number, sentAt: number, promptEstimate: number): void {
    const now = this.now();
    if (a.ok) {
      this.budget.observe(a.result.rateLimit, now, sentAt);
      this.cost.observePrompt(promptEstimate, a.result.usage.promptTokens);
      const answered = a.result.outcomes.filter((o) => o.ok).length || n;
      this.cost.observe(answered, a.result.usage.completionTokens, a.latencyMs);
      if (a.result.outcomes.some((o) => !o.ok && o.error.includes('stop reason "length"'))) this.cost.cutOff();
      this.congestion = this.cost.congestion;
      const limited = this.limiter.counts().QUEUED > 0 || this.running.size + 1 >= this.maxConcurrent;
      this.concurrency.onSuccess(now, a.latencyMs, this.congestion, this.running.size + 1, limited);
      this.events.debug?.(`ok ${n} img ${a.latencyMs.toFixed(0)}ms ${a.tokens} tok congestion=${this.congestion.toFixed(2)} remaining=${a.result.rateLimit.remainingRequests ?? "?"}`);
    } else {
      const e = a.error;
      if (e.rateLimit) this.budget.observe(e.rateLimit, now, sentAt);
      // A 429 is about the rate, which the budget paces; only timeouts and 5xx say the provider is overloaded.
      const loss = e.kind === "timeout" || e.kind === "server";
      const cut = loss && this.concurrency.onLoss(now, this.running.size + 1, this.cost.knowsLatency ? this.cost.expectedLatencyMs(n) : undefined);
      this.events.debug?.(`fail ${e.kind}${e.status ? ` ${e.status}` : ""} ${n} img ${a.latencyMs.toFixed(0)}ms${cut ? " (concurrency cut)" : ""}: ${e.message}`);
    }
    this.retune(n);
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
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
