// Turns RateBudget's arithmetic into waiting: one FIFO of waiters and ONE
// timer, so 100 jobs waiting for the budget cost one timer, not 100 polling
// loops, and the budget is handed out in arrival order (retries are
// scheduled ahead of new work by bottleneck's priorities before they get here).
import type { RateBudget } from "./rate-budget";

interface Waiter {
  tokens: number;
  resolve: () => void;
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

  acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { tokens, resolve, reject, signal };
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
      const a = this.budget.tryAcquire(w.tokens, this.now());
      if (!a.ok) {
        this.onWait?.(a.reason, a.waitMs);
        this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(a.waitMs)));
        return;
      }
      this.queue.shift();
      if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
      w.resolve();
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const err = new Error("rate gate closed");
    for (const w of this.queue.splice(0)) w.reject(err);
  }
}
