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

/**
 * The tokens budget with reservations, as a provider that refunds: a request
 * is admitted when its prompt plus its whole max_completion_tokens fit, is
 * charged what it finally uses (prompt + the answer's tokens), and holds back
 * the rest until it has answered. The charge comes out of the bucket at
 * admission and the hold only narrows what others may take, so the bucket
 * itself never admits more than the charges allow: at every admission the
 * bucket holds min(reserve, capacity) + held >= min(charge, capacity), which is
 * the audit's rule (audit.ts) for the charges, whatever the refunds do. A refund added back into the
 * bucket instead would break that rule (it can lift the level above what
 * the charges alone leave, once the bucket was capped at its capacity).
 */
export class ReservingBucket {
  readonly bucket: TokenBucket;
  /** Tokens held by requests in flight beyond their charge. */
  held = 0;

  constructor(perMinute: number, burstSeconds: number, now: number) {
    this.bucket = new TokenBucket(perMinute, burstSeconds, now);
  }

  get capacity(): number {
    return this.bucket.capacity;
  }

  get perMs(): number {
    return this.bucket.perMs;
  }

  /** What another request may reserve now. */
  available(now: number): number {
    return this.bucket.available(now) - this.held;
  }

  /**
   * Milliseconds until `amount` may be reserved if no hold is released
   * meanwhile: the bucket must hold it on top of what is held, or - for a
   * reservation that with the holds is bigger than the bucket - be full, as
   * any request that big needs it (it then leaves the bucket in debt). A
   * provider that let nothing bigger than its 2 s bucket in while anything was
   * held would serve one request at a time under 250k tokens/min, whatever
   * its limit says.
   */
  waitMs(amount: number, now: number): number {
    return this.bucket.waitMs(Math.min(amount + this.held, this.capacity), now);
  }

  /** Admits a request: `charge` leaves the bucket for good, `hold` until release(hold). */
  take(charge: number, hold: number, now: number): void {
    this.bucket.take(charge, now);
    this.held += hold;
  }

  release(hold: number): void {
    this.held = Math.max(0, this.held - hold);
  }
}
