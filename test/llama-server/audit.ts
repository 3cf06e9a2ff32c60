// An independent check of what the server accepted, so a bug in TokenBucket
// shows up as overLimit > 0 instead of silently over-admitting.
//
// A bucket of capacity C refilled at r per ms, starting full, that admits a
// request once it holds min(cost, C) (a bigger request leaves it in debt),
// admits a sequence of requests (t_k, cost_k) exactly when for every i <= j:
//     sum(cost_i..cost_j-1) + min(cost_j, C) <= C + r * (t_j - t_i)
// With prefix sums S this is  S_j-1 + min(cost_j, C) - r t_j <= C + min_{i<=j} (S_{i-1} - r t_i),
// kept in O(1) per request by carrying the running minimum.

export class BudgetAudit {
  private sum = 0;
  private minTerm = Infinity;
  violations = 0;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
  ) {}

  /** Records an accepted request; returns false when it broke the rule. */
  record(t: number, cost: number): boolean {
    this.minTerm = Math.min(this.minTerm, this.sum - this.perMs * t);
    const ok = this.sum + Math.min(cost, this.capacity) - this.perMs * t <= this.capacity + this.minTerm + 1e-6 * Math.max(1, this.capacity);
    this.sum += cost;
    if (!ok) this.violations++;
    return ok;
  }
}

/** Largest number of accepted requests inside any 60 s sliding window. */
export class WindowMax {
  private times: number[] = [];
  private head = 0;
  max = 0;

  constructor(private readonly windowMs = 60_000) {}

  record(t: number): void {
    this.times.push(t);
    while (this.times[this.head]! <= t - this.windowMs) this.head++;
    if (this.head > 4096) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.max = Math.max(this.max, this.times.length - this.head);
  }
}
