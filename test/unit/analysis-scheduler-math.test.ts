// The scheduler's arithmetic pinned with a fake clock: window accounting, the
// pacing bucket, burst, header corrections, Retry-After pauses, AIMD steps,
// Little's law, back-off bounds and batch sizing. Nothing sleeps.
import { describe, expect, it } from "vitest";
import { RateBudget } from "@/lib/analysis/rate-budget";
import { ConcurrencyController } from "@/lib/analysis/concurrency";
import { backoffMs } from "@/lib/analysis/backoff";
import { BatchSizer, chunk } from "@/lib/analysis/batching";

/** Drives a budget greedily (admit as soon as allowed) and returns the start times. */
function drive(b: RateBudget, n: number, start = 0, tokens = 1, stepMs = 1): number[] {
  const starts: number[] = [];
  let now = start;
  while (starts.length < n) {
    const a = b.tryAcquire(tokens, now);
    if (a.ok) starts.push(now);
    else now += Math.max(stepMs, Math.ceil(a.waitMs));
  }
  return starts;
}

function maxInWindow(starts: number[], windowMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < starts.length; i++) {
    while ((starts[i] as number) - (starts[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("RateBudget", () => {
  it("never admits more than the limit in any sliding window, even with a full burst bucket", () => {
    // 600/min with a 10 s burst: a plain token bucket would allow 600 + 100 in a minute.
    const b = new RateBudget({ requestsPerMinute: 600, tokensPerMinute: 1e12, burst: true, burstSeconds: 10 }, 0);
    const starts = drive(b, 2000);
    expect(maxInWindow(starts, 60_000)).toBe(600);
    // the burst was spent at once at the start
    expect(starts.filter((t) => t === 0).length).toBe(100);
  });

  it("paces at limit/60 per second without burst mode", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: false, slackSeconds: 0.2 }, 0);
    const starts = drive(b, 1000);
    // 10 requests of slack at t=0, then one every 20 ms: 990 more take 19.8 s.
    expect(starts.filter((t) => t === 0).length).toBe(10);
    expect(starts.at(-1)).toBeGreaterThanOrEqual(19_780);
    expect(starts.at(-1)).toBeLessThanOrEqual(19_820);
    // in any 2 s the provider sees at most 2 s of rate plus the slack
    expect(maxInWindow(starts, 2000)).toBeLessThanOrEqual(100 + 10);
  });

  it("burst mode spends burstSeconds of budget at once, then paces", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: true, burstSeconds: 1.5 }, 0);
    const starts = drive(b, 1000);
    expect(starts.filter((t) => t === 0).length).toBe(75);
    // 925 more at 50/s
    expect(starts.at(-1)).toBeGreaterThanOrEqual(18_480);
    expect(starts.at(-1)).toBeLessThanOrEqual(18_520);
  });

  it("caps tokens per window as well as requests", () => {
    const b = new RateBudget({ requestsPerMinute: 1e6, tokensPerMinute: 10_000, burst: true, burstSeconds: 60 }, 0);
    const starts = drive(b, 50, 0, 1000);
    // 10 requests of 1000 tokens fit in a minute
    expect(maxInWindow(starts, 60_000)).toBe(10);
  });

  it("clamps the burst to what x-ratelimit-remaining-requests says the provider can absorb", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: true, burstSeconds: 2 }, 0);
    b.observe({ remainingRequests: 15 }, 0);
    // 15 left, less a margin of 0.1 s of rate (5)
    expect(drive(b, 20).filter((t) => t === 0).length).toBe(10);
    b.observe({ remainingRequests: 5 }, 0);
    // the burst is clamped; the 0.2 s of slack for timer lateness (10 requests) is not
    expect(b.capacity()).toBe(10);
    b.observe({ remainingRequests: 80 }, 1000);
    expect(b.capacity()).toBe(80);
  });

  it("estimates the provider's budget now from a stale header: remaining + refill - sent since", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: true, burstSeconds: 2 }, 0);
    // 100 at t=0 (the whole burst), then the answer to the first arrives at 1 s saying 99 were left.
    expect(drive(b, 100).every((t) => t === 0)).toBe(true);
    // our bucket refilled to 50 by t=1 s; the provider: 99 + 50 refill - 99 sent since = 50, less a 5 margin
    b.observe({ remainingRequests: 99 }, 1000, 0);
    expect(drive(b, 60, 1000).filter((t) => t === 1000).length).toBe(45);
  });

  it("lowers its rate to a smaller published limit but not above the configured one", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: false }, 0);
    b.observe({ limitRequests: 600 }, 0);
    expect(b.ratePerS).toBe(10);
    b.observe({ limitRequests: 6000 }, 0);
    expect(b.ratePerS).toBe(50);
  });

  it("honours a pause (Retry-After) for every admission and drops the saved burst", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: true, burstSeconds: 1 }, 0);
    b.pause(3000, 0);
    const a = b.tryAcquire(1, 100);
    expect(a).toEqual({ ok: false, waitMs: 2900, reason: "paused" });
    const starts = drive(b, 10, 3000);
    expect(starts[0]).toBeGreaterThanOrEqual(3000);
  });

  it("keeps a fixed minimum spacing when asked", () => {
    const b = new RateBudget({ requestsPerMinute: 3000, tokensPerMinute: 1e12, burst: true, minSpacingMs: 500 }, 0);
    expect(drive(b, 4)).toEqual([0, 500, 1000, 1500]);
  });
});

describe("ConcurrencyController", () => {
  it("follows rate x latency (Little's law) with headroom, capped by max", () => {
    const c = new ConcurrencyController({ max: 200, adaptive: true });
    expect(c.limit(50)).toBe(200); // nothing measured yet
    c.onSuccess(1500);
    expect(c.limit(50)).toBe(Math.ceil(50 * 1.5 * 1.25) + 1); // 95
    expect(c.limit(50, 75)).toBe(Math.ceil(50 * 1.5 * 1.25 + 75) + 1);
    expect(new ConcurrencyController({ max: 50, adaptive: true }).limit(50)).toBe(50);
  });

  it("halves on loss at most once per latency, then adds one per healthy window", () => {
    const c = new ConcurrencyController({ max: 100, adaptive: true });
    c.onSuccess(1000);
    expect(c.onLoss(10_000, 80)).toBe(true);
    expect(c.aimdCeiling).toBe(40);
    expect(c.onLoss(10_500, 40)).toBe(false); // same congestion event
    expect(c.aimdCeiling).toBe(40);
    for (let i = 0; i < 39; i++) c.onSuccess(1000);
    expect(c.aimdCeiling).toBe(40);
    c.onSuccess(1000);
    expect(c.aimdCeiling).toBe(41);
    expect(c.onLoss(12_000, 41)).toBe(true);
    expect(c.aimdCeiling).toBe(20);
  });

  it("never drops below one and is fixed when adaptive is off", () => {
    const c = new ConcurrencyController({ max: 4, adaptive: true });
    for (let t = 0; t < 10; t++) c.onLoss(t * 10_000, 1);
    expect(c.aimdCeiling).toBe(1);
    const f = new ConcurrencyController({ max: 7, adaptive: false });
    f.onLoss(0, 7);
    f.onSuccess(10);
    expect(f.limit(50)).toBe(7);
  });
});

describe("backoffMs", () => {
  it("grows exponentially within [exp/2, exp], capped, and honours a longer Retry-After", () => {
    const o = { baseMs: 1000, capMs: 8000 };
    expect(backoffMs(1, o, 0)).toBe(500);
    expect(backoffMs(1, o, 0.999)).toBeCloseTo(999.5);
    expect(backoffMs(3, o, 0)).toBe(2000);
    expect(backoffMs(10, o, 0.999)).toBeLessThanOrEqual(8000);
    expect(backoffMs(10, o, 0)).toBe(4000);
    expect(backoffMs(1, o, 0, 30_000)).toBe(30_000);
    expect(backoffMs(3, o, 0.5, 100)).toBe(3000);
  });
});

describe("BatchSizer and chunk", () => {
  it("halves on a failed or slow batch and grows back after clean ones, up to optimal", () => {
    const s = new BatchSizer(5, 6, 10_000);
    s.record(5, 1, 100);
    expect(s.current).toBe(2);
    s.record(2, 0, 20_000);
    expect(s.current).toBe(1);
    s.record(1, 1, 100); // a single image failing does not shrink anything
    expect(s.current).toBe(1);
    for (let i = 0; i < 20 * 5; i++) s.record(s.current, 0, 100);
    expect(s.current).toBe(6);
    expect(new BatchSizer(20, 20, 1).current).toBe(8);
  });

  it("splits into batches of the size asked", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 0)).toEqual([[1], [2]]);
  });
});
