// How long the test server takes to answer, as a hosted model does: the first
// token after a fixed delay, then the prompt at the prefill rate and the answer
// at the decode rate; and a provider that serves `capacity` requests at full
// speed, beyond which every request in flight slows down in proportion
// (processor sharing). The functions here are pure so a benchmark can compute
// the ceiling of a regime from the very numbers the server uses.

export interface LatencyParams {
  /** Time to first token, ms. */
  ttftMs: number;
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  /** Sigma of the log-normal jitter around the computed latency (0 = exact). */
  jitter: number;
  /** Requests served at full speed at once; beyond it all slow down in proportion. Infinity = unlimited. */
  capacity: number;
}

export const DEFAULT_LATENCY: Readonly<LatencyParams> = {
  ttftMs: 300,
  prefillTokensPerS: 8000,
  decodeTokensPerS: 150,
  jitter: 0.1,
  capacity: Infinity,
};

/** Latency of one request alone on the provider, without jitter (the jitter's median): ttft + prompt/prefill + completion/decode. */
export function expectedLatencyMs(p: Pick<LatencyParams, "ttftMs" | "prefillTokensPerS" | "decodeTokensPerS">, promptTokens: number, completionTokens: number): number {
  return p.ttftMs + (promptTokens / p.prefillTokensPerS) * 1000 + (completionTokens / p.decodeTokensPerS) * 1000;
}

/** Mean of the jittered latency: the log-normal's mean is its median x exp(sigma^2 / 2). */
export function meanLatencyMs(p: LatencyParams, promptTokens: number, completionTokens: number): number {
  return expectedLatencyMs(p, promptTokens, completionTokens) * Math.exp((p.jitter * p.jitter) / 2);
}

/**
 * The most requests per second the provider can finish when every request has
 * this shape: processor sharing never idles while work is waiting, so with
 * `capacity` or more in flight it completes capacity / (mean work) a second.
 * Infinity when the capacity is.
 */
export function capacityRequestsPerS(p: LatencyParams, promptTokens: number, completionTokens: number): number {
  return (p.capacity * 1000) / meanLatencyMs(p, promptTokens, completionTokens);
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Job {
  /** Work left, in ms at full speed. */
  remaining: number;
  done: () => void;
}

/**
 * Processor sharing with `capacity` servers: n jobs in flight each progress at
 * min(1, capacity / n) of full speed. Work left is recomputed at every arrival
 * and departure, and one timer waits for the next job to finish, so a request
 * slows down while others join and speeds up again when they leave.
 */
export class ProcessorSharing {
  private readonly jobs = new Set<Job>();
  private at: number;
  private timer: unknown;
  maxInFlight = 0;

  constructor(
    readonly capacity: number,
    private readonly clock: () => number,
    private readonly timers: Timers = realTimers,
  ) {
    this.at = clock();
  }

  get inFlight(): number {
    return this.jobs.size;
  }

  /** Speed of each job now, relative to serving it alone. */
  speed(): number {
    return this.jobs.size <= this.capacity ? 1 : this.capacity / this.jobs.size;
  }

  /** Starts a job of `workMs` of full-speed work; `done` runs when it is served. Returns a cancel function (client gone). */
  add(workMs: number, done: () => void): () => void {
    this.advance();
    const job: Job = { remaining: Math.max(0, workMs), done };
    this.jobs.add(job);
    this.maxInFlight = Math.max(this.maxInFlight, this.jobs.size);
    this.schedule();
    return () => {
      if (!this.jobs.has(job)) return;
      this.advance();
      this.jobs.delete(job);
      this.schedule();
    };
  }

  /** Drops every job without finishing it (server closing). */
  clear(): void {
    this.jobs.clear();
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private advance(): void {
    const t = this.clock();
    const progress = (t - this.at) * this.speed();
    this.at = t;
    if (progress <= 0) return;
    for (const job of this.jobs) job.remaining -= progress;
  }

  private schedule(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.jobs.size === 0) return;
    let least = Infinity;
    for (const job of this.jobs) least = Math.min(least, job.remaining);
    this.timer = this.timers.set(() => this.fire(), Math.max(0, least / this.speed()));
  }

  private fire(): void {
    this.timer = undefined;
    this.advance();
    // Timers round to whole milliseconds and may fire a fraction early: what is
    // within half a millisecond of done is done.
    const finished = [...this.jobs].filter((j) => j.remaining <= 0.5);
    for (const job of finished) this.jobs.delete(job);
    this.schedule();
    for (const job of finished) job.done();
  }
}
