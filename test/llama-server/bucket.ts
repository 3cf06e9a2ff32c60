// The budget rule of the test server: a bucket refilled CONTINUOUSLY at
// limit/60 per second, holding at most `burstSeconds` worth of budget, starting
// full. Time comes from the caller so tests can drive it with a fake clock.

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

  /** Milliseconds until `amount` will be available (0 if it is now; Infinity if it never fits). */
  waitMs(amount: number, now: number): number {
    if (amount > this.capacity) return Infinity;
    const missing = amount - this.available(now);
    return missing <= 0 ? 0 : missing / this.perMs;
  }

  take(amount: number, now: number): void {
    this.available(now);
    this.level -= amount;
  }
}
