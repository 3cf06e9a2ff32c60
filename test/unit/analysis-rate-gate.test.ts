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
  // 10 per second: one at once, then every 100 ms
  expect(at).toEqual([0, 100, 200, 300, 400]);
  gate.close();
});

it("an aborted waiter is removed and does not consume budget", async () => {
  const budget = new RateBudget({ requestsPerMinute: 60, tokensPerMinute: 1e12, burst: false, slackSeconds: 0 }, 0);
  const gate = new RateGate(budget, () => Date.now());
  await gate.acquire(1); // the one request available now
  const ac = new AbortController();
  const aborted = gate.acquire(1, ac.signal);
  const next = gate.acquire(1);
  ac.abort(new Error("cancelled"));
  await expect(aborted).rejects.toThrow("cancelled");
  await vi.advanceTimersByTimeAsync(1000);
  await next; // got the budget freed at 1 s, not 2 s
  expect(Date.now()).toBe(1000);
  expect(budget.inWindow(Date.now()).requests).toBe(2);
  gate.close();
});
