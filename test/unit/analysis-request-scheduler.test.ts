// RequestScheduler with a fake provider (no network, no database): the slot
// cap holds, a 429's Retry-After stops every start until it has passed without
// cutting concurrency (the rate is paced, not the slots), a request past its
// timeout is aborted, and provider errors come back as values. On fake timers:
// the provider's latency, Retry-After and the timeout pass without waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "@/lib/config";
import { maxCompletionTokens, ProviderError, type BatchResult, type PhotoInput, type VisionProvider } from "@/lib/llama";
import { RequestScheduler } from "@/lib/analysis/scheduler";
import { ProcessorSharing } from "@/test/llama-server/latency";

function fakeProvider(answer: (n: number) => Promise<BatchResult>): VisionProvider & { calls: number[]; maxActive: number } {
  let active = 0;
  const p = {
    name: "llama" as const,
    model: "m",
    promptVersion: "v",
    usesNetwork: true,
    calls: [] as number[],
    maxActive: 0,
    estimateTokens: () => 100,
    analyze: async (_batch: PhotoInput[]) => {
      p.calls.push(Date.now());
      active++;
      p.maxActive = Math.max(p.maxActive, active);
      try {
        return await answer(p.calls.length);
      } finally {
        active--;
      }
    },
  };
  return p;
}

const ok = (): BatchResult => ({ outcomes: [], usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, rateLimit: {}, latencyMs: 1 });
const photo: PhotoInput = { id: "p", contentHash: "h", jpeg: Buffer.alloc(1), width: 1, height: 1, sharpness: null, brightness: null };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves the fake clock in small steps until `p` settles (the scheduler's own timers run as they come due). */
async function settle<T>(p: Promise<T>, stepMs = 5, maxMs = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let t = 0; !done && t < maxMs; t += stepMs) await vi.advanceTimersByTimeAsync(stepMs);
  return p;
}

function config(over: Record<string, unknown>) {
  return resolveConfig({ flags: { provider: "local", batchDelayS: 0, maxRequestsPerMinute: 600_000, ...over }, env: { NODE_ENV: "test" } });
}

describe("RequestScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("never has more requests in flight than min(parallel_workers, max_concurrent_requests)", async () => {
    const provider = fakeProvider(async () => {
      await tick(40);
      return ok();
    });
    const s = new RequestScheduler(provider, config({ parallelWorkers: 3, maxConcurrentRequests: 8, adaptiveRateLimiting: false }));
    const signal = new AbortController().signal;
    const results = await settle(Promise.all(Array.from({ length: 20 }, () => s.send([photo], 5, signal))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(provider.calls.length).toBe(20);
    expect(provider.maxActive).toBeLessThanOrEqual(3);
    expect(provider.maxActive).toBeGreaterThanOrEqual(2); // it did run in parallel
    await s.close();
  });

  // Under a budget the first answers of a hosted model come back tens of seconds after the
  // first requests: held at parallel_workers until then, regime (b) of npm run bench sent
  // nothing for seconds at a time with budget to spare.
  it("before any answer, requests the rate budget kept waiting raise the ceiling: the budget paces the start, not parallel_workers", async () => {
    const provider = fakeProvider(async () => {
      await tick(3000);
      return ok();
    });
    // No burst: the budget paces from the first requests on (10 a second).
    const s = new RequestScheduler(provider, config({ parallelWorkers: 3, maxConcurrentRequests: 30, adaptiveRateLimiting: true, maxRequestsPerMinute: 600, burstMode: false }));
    const signal = new AbortController().signal;
    const results = await settle(Promise.all(Array.from({ length: 40 }, () => s.send([photo], 5, signal))), 5, 120_000);
    expect(results.every((r) => r.ok)).toBe(true);
    // 10 requests/s answered in 3 s: ~30 in flight before the first answer, not 3.
    expect(provider.maxActive).toBeGreaterThanOrEqual(25);
    expect(provider.maxActive).toBeLessThanOrEqual(30);
    await s.close();
  });

  it("while the budget has room (a burst, or no limit), the start stays at parallel_workers until answers are measured", async () => {
    const provider = fakeProvider(async () => {
      await tick(3000);
      return ok();
    });
    const s = new RequestScheduler(provider, config({ parallelWorkers: 3, maxConcurrentRequests: 30, adaptiveRateLimiting: true }));
    const signal = new AbortController().signal;
    const all = Promise.all(Array.from({ length: 40 }, () => s.send([photo], 5, signal)));
    for (let t = 0; t < 2900; t += 5) await vi.advanceTimersByTimeAsync(5);
    expect(provider.maxActive).toBe(3);
    await settle(all, 5, 120_000);
    await s.close();
  });

  it("a 429 with Retry-After pauses every start until it has passed, and leaves concurrency alone", async () => {
    const provider = fakeProvider(async (n) => {
      if (n === 1) throw new ProviderError("rate_limited", "429", { status: 429, rateLimit: { retryAfterMs: 300 } });
      await tick(2);
      return ok();
    });
    const s = new RequestScheduler(provider, config({ parallelWorkers: 16, maxConcurrentRequests: 16, adaptiveRateLimiting: true }));
    const signal = new AbortController().signal;
    const first = await settle(s.send([photo], 5, signal));
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.kind).toBe("rate_limited");
    const failedAt = provider.calls[0] as number;
    expect(s.limit).toBe(16);
    const rest = await settle(Promise.all(Array.from({ length: 5 }, () => s.send([photo], 5, signal))));
    expect(rest.every((r) => r.ok)).toBe(true);
    // Nothing started before the Retry-After had passed (a lower bound, not a timing assertion).
    expect(Math.min(...provider.calls.slice(1)) - failedAt).toBeGreaterThanOrEqual(295);
    await s.close();
  });

  it("aborts a request that runs past its timeout as a timeout, and books what it may have cost", async () => {
    const provider = fakeProvider(() => new Promise<BatchResult>(() => undefined));
    provider.analyze = (_batch, opts) =>
      new Promise<BatchResult>((_, reject) =>
        opts.signal.addEventListener("abort", () => {
          const r: unknown = opts.signal.reason;
          reject(r instanceof Error && r.name === "TimeoutError" ? new ProviderError("timeout", "no answer") : r);
        }),
      );
    const s = new RequestScheduler(provider, config({ parallelWorkers: 2, maxConcurrentRequests: 2, fastTimeoutS: 1, timeoutS: 1 }));
    const a = await settle(s.send([photo], 5, new AbortController().signal));
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error.kind).toBe("timeout");
    expect(a.tokens).toBe(100 + maxCompletionTokens(1)); // the prompt (fake: 100) and the answer allowance
    await s.close();
  });

  it("requests that outlive the prior's guess before anything answered: the younger half goes, the older half gets until the hard timeout and answers", async () => {
    // A provider serving 2 at once, shared by all in flight (processor sharing), 20 s of work a
    // request: 8 sent together each need 80 s, and the prior guesses 40 s for 8 photos.
    const ps = new ProcessorSharing(2, () => Date.now());
    const provider = fakeProvider(() => new Promise<BatchResult>(() => undefined));
    provider.analyze = (_batch, opts) =>
      new Promise<BatchResult>((resolve, reject) => {
        const cancel = ps.add(20_000, () => resolve(ok()));
        opts.signal.addEventListener("abort", () => {
          cancel();
          const r: unknown = opts.signal.reason;
          reject(r instanceof Error && r.name === "TimeoutError" ? new ProviderError("timeout", "no answer") : r);
        });
      });
    const s = new RequestScheduler(provider, config({ parallelWorkers: 8, maxConcurrentRequests: 8, fastTimeoutS: 30, timeoutS: 90 }));
    const batch = Array.from({ length: 8 }, () => photo);
    const run = new AbortController().signal;
    const sent = Array.from({ length: 8 }, () => s.send(batch, 5, run));
    const attempts = await settle(Promise.all(sent), 50, 120_000);
    // Aborting all 8 at 40 s (each deadline alone) answered none; with half let go, the
    // other 4 have the provider to themselves at half speed and answer at ~60 s, inside 90 s.
    expect(attempts.filter((a) => a.ok)).toHaveLength(4);
    expect(attempts.filter((a) => !a.ok && a.error.kind === "timeout")).toHaveLength(4);
    expect(Math.max(...attempts.filter((a) => a.ok).map((a) => a.latencyMs))).toBeLessThan(90_000);
    await s.close();
  });

  it("beforeSend stops attempts still waiting for a slot, never one already sent", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const provider = fakeProvider(async () => {
      await gate;
      return ok();
    });
    const s = new RequestScheduler(provider, config({ parallelWorkers: 1, maxConcurrentRequests: 1, adaptiveRateLimiting: false }));
    const run = new AbortController();
    const stop = new AbortController();
    const sent = s.send([photo], 5, run.signal, stop.signal);
    const waiting = [s.send([photo], 5, run.signal, stop.signal), s.send([photo], 5, run.signal, stop.signal)];
    await vi.advanceTimersByTimeAsync(30);
    expect(provider.calls.length).toBe(1); // one slot: the other two wait
    stop.abort(new Error("paused"));
    release();
    const [answered, ...stopped] = await settle(Promise.allSettled([sent, ...waiting]));
    expect(answered).toMatchObject({ status: "fulfilled", value: { ok: true } }); // answered, not cut off
    for (const w of stopped) expect(w).toMatchObject({ status: "rejected", reason: new Error("paused") });
    expect(provider.calls.length).toBe(1);
    await s.close();
  });
});
