// How many requests may be in flight: loss-based AIMD bounded by Little's law.
// - Little's law: in flight = rate x latency. At 50 req/s and 1.5 s latency 75
//   requests must be in flight, so the limit follows rate x observed latency
//   (plus headroom and room for a burst) instead of a fixed number.
// - AIMD (Netflix concurrency-limits' advice for clients): a 429, timeout or
//   5xx halves the ceiling, at most once per observed latency (one congestion
//   event, not one cut per failed request); every healthy window of `ceiling`
//   successes without a loss adds 1.
// - max_concurrent_requests (and parallel_workers, the number of batches the
//   loop works on at once) cap it. Without adaptive_rate_limiting the limit is
//   simply that cap.
// Pure arithmetic; time comes in as arguments.

export interface ConcurrencyOptions {
  /** min(parallel_workers, max_concurrent_requests). */
  max: number;
  adaptive: boolean;
  min?: number;
  /** Little's-law headroom factor. */
  headroom?: number;
  /** EWMA weight of a new latency sample. */
  alpha?: number;
}

export class ConcurrencyController {
  private ceiling: number;
  private successes = 0;
  private lastCut = -Infinity;
  private latencyMs: number | undefined;
  private readonly min: number;

  constructor(private readonly opts: ConcurrencyOptions) {
    this.min = Math.max(1, opts.min ?? 1);
    this.ceiling = Math.max(this.min, opts.max);
  }

  get aimdCeiling(): number {
    return this.ceiling;
  }
  get latencyEstimateMs(): number | undefined {
    return this.latencyMs;
  }

  /**
   * The current limit. `ratePerS` is what the rate budget allows per second and
   * `burst` how many requests it can release at once.
   */
  limit(ratePerS: number, burst = 0): number {
    if (!this.opts.adaptive) return this.opts.max;
    const need =
      this.latencyMs === undefined
        ? this.opts.max // nothing measured yet: let the rate budget pace
        : Math.ceil(ratePerS * (this.latencyMs / 1000) * (this.opts.headroom ?? 1.25) + burst) + 1;
    return Math.max(this.min, Math.min(this.opts.max, Math.floor(this.ceiling), need));
  }

  onSuccess(latencyMs: number): void {
    const a = this.opts.alpha ?? 0.2;
    this.latencyMs = this.latencyMs === undefined ? latencyMs : this.latencyMs + a * (latencyMs - this.latencyMs);
    if (!this.opts.adaptive) return;
    this.successes += 1;
    if (this.successes >= Math.floor(this.ceiling)) {
      this.successes = 0;
      this.ceiling = Math.min(this.opts.max, this.ceiling + 1);
    }
  }

  /** A 429, timeout or 5xx. Returns true when it cut the ceiling. */
  onLoss(now: number, inFlight: number): boolean {
    if (!this.opts.adaptive) return false;
    this.successes = 0;
    const cooldown = this.latencyMs ?? 1000;
    if (now - this.lastCut < cooldown) return false;
    this.lastCut = now;
    // Halve what was really in use, not a ceiling that was never reached.
    this.ceiling = Math.max(this.min, Math.floor(Math.min(this.ceiling, Math.max(inFlight, this.min)) / 2));
    return true;
  }
}
