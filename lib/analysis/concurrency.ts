// How many requests may be in flight. Three things bound it, whichever is lowest:
// - Little's law: in flight = rate x time a request holds its slot. The rate
//   is what the binding limit allows (requests/min, or tokens/min divided by the
//   tokens of a request), the time is the measured latency (a batch of 8 with
//   ~500-token answers takes tens of seconds on a hosted model) or batch_delay
//   when longer, so the limit follows the work instead of a fixed number.
// - The provider's capacity: a provider serving more requests than it has
//   capacity for answers each of them proportionally slower. Latency per answer
//   token above 1.6x its uncongested floor means we are past the knee: the
//   ceiling drops to just above the estimated capacity (in flight / slowdown,
//   +25% so the provider stays saturated), once per latency. Below 1.3x (the
//   spread of normal answers) it may grow again.
// - Losses (Netflix concurrency-limits' advice for clients): a 429, timeout or
//   5xx halves the ceiling, at most once per latency.
// The ceiling starts at parallel_workers and grows by one per good answer
// (doubling per round trip: "slow start") only while the ceiling is what holds
// the work back, then by one per window of `ceiling` answers after a loss.
// max_concurrent_requests caps everything. Without adaptive_rate_limiting the
// limit is simply min(parallel_workers, max_concurrent_requests).
// Pure arithmetic; time comes in as arguments.

export interface ConcurrencyOptions {
  /** max_concurrent_requests. */
  max: number;
  /** parallel_workers: requests in flight before anything was measured. */
  initial: number;
  adaptive: boolean;
  min?: number;
  /** Little's-law headroom factor. */
  headroom?: number;
}

/** Latency per answer token over its uncongested floor: above this we are past the provider's knee. */
export const CONGESTED = 1.6;
/** Below this the provider has room: the ceiling may grow (normal answers spread up to ~1.2x). */
export const UNCONGESTED = 1.3;

export class ConcurrencyController {
  private ceiling: number;
  private successes = 0;
  private lastCut = -Infinity;
  private slowStart = true;
  /** The ceiling was cut for the provider's sake (past its knee, or a timeout/5xx). */
  private cutForProvider = false;
  private readonly min: number;

  constructor(private readonly opts: ConcurrencyOptions) {
    this.min = Math.max(1, opts.min ?? 1);
    this.ceiling = Math.max(this.min, Math.min(opts.max, opts.initial));
  }

  get aimdCeiling(): number {
    return this.ceiling;
  }

  /**
   * The current limit. `ratePerS` is the requests per second the binding limit
   * allows, `holdMs` how long a request holds its slot (undefined: not measured
   * yet), `burst` how many requests the budget can release at once.
   */
  limit(ratePerS: number, holdMs: number | undefined, burst = 0): number {
    if (!this.opts.adaptive) return Math.max(this.min, Math.min(this.opts.max, this.opts.initial));
    return Math.max(this.min, Math.min(this.opts.max, Math.floor(this.ceiling), this.need(ratePerS, holdMs, burst)));
  }

  /**
   * Whether the provider's capacity is what holds the work back: the ceiling was
   * cut for the provider's sake and sits below what the rate budget would use.
   * Latency alone cannot say it once the ceiling keeps the provider near its
   * knee (that is the point of the cut), so a run that was bound by capacity
   * all along would otherwise read as bound by a budget it barely used.
   */
  capacityBinds(ratePerS: number, holdMs: number | undefined, burst = 0): boolean {
    return this.opts.adaptive && this.cutForProvider && Math.floor(this.ceiling) < Math.min(this.opts.max, this.need(ratePerS, holdMs, burst));
  }

  private need(ratePerS: number, holdMs: number | undefined, burst: number): number {
    return holdMs === undefined ? Infinity : Math.ceil(ratePerS * (holdMs / 1000) * (this.opts.headroom ?? 1.25) + burst) + 1;
  }

  /**
   * A good answer. `congestion` is latency per answer token over the best
   * recently seen (1 = uncongested); `inFlight` the requests in flight with it;
   * `limited` whether work was waiting for a slot (only then may the ceiling grow).
   */
  onSuccess(now: number, latencyMs: number, congestion: number, inFlight: number, limited: boolean): void {
    if (!this.opts.adaptive) return;
    if (congestion > CONGESTED) {
      this.successes = 0;
      this.slowStart = false;
      if (now - this.lastCut < latencyMs) return;
      this.lastCut = now;
      this.cutForProvider = true;
      // Processor sharing: slowdown = in flight / capacity.
      const knee = Math.max(inFlight, 1) / congestion;
      this.ceiling = Math.max(this.min, Math.min(this.ceiling, Math.ceil(knee * 1.25)));
      return;
    }
    if (congestion > UNCONGESTED || !limited) return;
    if (this.slowStart) {
      this.ceiling = Math.min(this.opts.max, this.ceiling + 1);
      return;
    }
    this.successes += 1;
    if (this.successes >= Math.floor(this.ceiling)) {
      this.successes = 0;
      this.ceiling = Math.min(this.opts.max, this.ceiling + 1);
    }
  }

  /**
   * Before any latency was measured, a request the rate budget kept waiting:
   * the budget, not the ceiling, paces the work, so one more may be in flight.
   * Under a budget the first answers come back tens of seconds after the
   * first requests (a batch of 8 on a hosted model), and parallel_workers in
   * flight until then is far below what the budget allows; without a budget
   * (a provider's capacity) nothing waits here and slow start stays as it is.
   */
  onPacedBeforeMeasured(): void {
    if (!this.opts.adaptive) return;
    this.ceiling = Math.min(this.opts.max, this.ceiling + 1);
  }

  /** A 429, timeout or 5xx. Returns true when it cut the ceiling. */
  onLoss(now: number, inFlight: number, latencyMs: number | undefined): boolean {
    if (!this.opts.adaptive) return false;
    this.successes = 0;
    this.slowStart = false;
    if (now - this.lastCut < (latencyMs ?? 1000)) return false;
    this.lastCut = now;
    this.cutForProvider = true;
    // Halve what was really in use, not a ceiling that was never reached.
    this.ceiling = Math.max(this.min, Math.floor(Math.min(this.ceiling, Math.max(inFlight, this.min)) / 2));
    return true;
  }
}
