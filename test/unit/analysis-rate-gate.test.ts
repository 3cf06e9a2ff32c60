// RateGate hands the budget out in arrival order with one timer, and an
// aborted waiter leaves the queue without taking budget. Fake timers + clock.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { RateBudget } from "@/lib/analysis/rate-budget";
import { RateGate } from "@/lib/analysis/rate-gate";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

it("admits waiters in order at the paced rate", async () => {
  const budget = new RateBudget({ requestsPerMinute: 600, tokensPerMinute: 1e12, burst: false, slackSeconds: 0 }, 0);
  const gate = new RateGate(budget, () => Date.now());
  const order: number[] = [];
  const at: number[] = [];
  const all = Array.from({ length: 5 }, (_, i) =>
    gate.acquire(1).then(() => {
      order.push(i);
      at.push(Date.now());
    }),
  );
  await vi.advanceTimersByTimeAsync(1000);
  await Promise.all(all);
  expect(order).toEqual([0, 1, 2, 3, 4]);
  // 10 per second less the 1% headroom: one at once, then every ~101 ms (the timer rounds up)
  expect(at).toEqual([0, 102, 204, 306, 408]);
  gate.close();
});

it("an aborted waiter is removed and does not consume budget", async () => {
  const budget = new RateBudget({ requestsPerMinute: 60, tokensPerMinute: 1e12, burst: false, slackSeconds: 0 }, 0);
  const gate = new RateGate(budget, () => Date.now());
  await gate.acquire(1); // the one request available now
  const ac = new AbortController();
  const aborted = gate.acquire(1, ac.signal);
  let admittedAt = -1;
  const next = gate.acquire(1).then(() => {
    admittedAt = Date.now();
  });
  ac.abort(new Error("cancelled"));
  await expect(aborted).rejects.toThrow("cancelled");
  await vi.advanceTimersByTimeAsync(1100);
  await next;
  expect(admittedAt).toBe(1011); // the budget freed at 1 s (plus the 1% headroom), not 2 s
  expect(budget.inWindow(Date.now()).requests).toBe(2);
  expect(budget.inWindow(Date.now()).requests).toBe(2);
  gate.close();
});
