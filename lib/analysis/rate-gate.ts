// Turns RateBudget's arithmetic into waiting: one FIFO of waiters and ONE
// timer, so 100 jobs waiting for the budget cost one timer, not 100 polling
// loops, and the budget is handed out in arrival order (retries are
// scheduled ahead of new work by bottleneck's priorities before they get here).
import type { RateBudget } from "./rate-budget";

/** What a request books and is expected to really cost, in tokens. */
export interface Booking {
  tokens: number;
  expected: number;
  /** What the provider may hold beyond the charge until the answer (RateBudget.tryAcquire; tokens - expected if not said). */
  hold?: number;
}

type Admitted = { ticket: number; waited: boolean } & Booking;

interface Waiter {
  /**
   * Asked each time the waiter reaches the head: a request that waited is
   * booked with what is known when it is admitted (answers seen meanwhile
   * teach the real answer length), not what was known when it started waiting.
   */
  booking: () => Booking;
  /** Called with the admission's ticket (RateBudget.settle), what was booked and whether the budget kept it waiting. */
  resolve: (admitted: Admitted) => void;
  waited: boolean;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class RateGate {
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly budget: RateBudget,
    private readonly now: () => number = Date.now,
    private readonly onWait?: (reason: string, waitMs: number) => void,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Waits for budget for one request; resolves its ticket and what it booked. */
  acquire(booking: number | (() => Booking), signal?: AbortSignal): Promise<Admitted> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const book = typeof booking === "number" ? () => ({ tokens: booking, expected: booking }) : booking;
    return new Promise((resolve, reject) => {
      const w: Waiter = { booking: book, resolve, reject, signal, waited: false };
      if (signal) {
        w.onAbort = () => {
          this.queue = this.queue.filter((x) => x !== w);
          reject(signal.reason);
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.queue.push(w);
      if (!this.timer) this.pump();
    });
  }

  /** Wakes the gate early (after the budget changed, e.g. a pause ended sooner). */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  private pump(): void {
    this.timer = undefined;
    while (this.queue.length > 0) {
      const w = this.queue[0] as Waiter;
      const b = w.booking();
      const a = this.budget.tryAcquire(b.tokens, this.now(), b.expected, b.hold);
      if (!a.ok) {
        w.waited = true;
        this.onWait?.(a.reason, a.waitMs);
        this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(a.waitMs)));
        return;
      }
      this.queue.shift();
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      w.resolve({ ticket: a.ticket, waited: w.waited, ...b });
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const err = new Error("rate gate closed");
    for (const w of this.queue.splice(0)) w.reject(err);
  }
}
