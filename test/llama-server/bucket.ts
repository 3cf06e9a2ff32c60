// The budget rule of the test server: a bucket refilled CONTINUOUSLY at
// limit/60 per second, holding at most `burstSeconds` worth of budget, starting
// full. A request bigger than the bucket (a 13k-token batch under 250k tokens/min
// holds 8.3k; one request under 10 requests/min holds 0.33) is admitted once the
// bucket is FULL and leaves it in debt, so it is never refused forever and the
// long-run rate stays exactly the limit. Time comes from the caller so tests can
// drive it with a fake clock.

export class TokenBucket {
  readonly capacity: number;
  readonly perMs: number;
  private level: number;
  private at: number;

  constructor(perMinute: number, burstSeconds: number, now: number) {
    this.perMs = perMinute / 60_000;
    this.capacity = (perMinute / 60) * burstSeconds;
    this.level = this.capacity;
    this.at = now;
  }

  /** Budget available at `now` (refills first). */
  available(now: number): number {
    if (now > this.at) {
      this.level = Math.min(this.capacity, this.level + (now - this.at) * this.perMs);
      this.at = now;
    }
    return this.level;
  }

  /** Milliseconds until `amount` may be taken (0 if it may now): the amount, or a full bucket for a bigger one. */
  waitMs(amount: number, now: number): number {
    const missing = Math.min(amount, this.capacity) - this.available(now);
    return missing <= 1e-9 ? 0 : missing / this.perMs;
  }

  take(amount: number, now: number): void {
    this.available(now);
    this.level -= amount;
  }
}
