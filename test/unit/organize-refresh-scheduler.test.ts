import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRefreshScheduler } from "@/lib/organize/refresh-scheduler";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A refresh that finishes only when the test says so. */
function controllable() {
  const calls: string[] = [];
  const finishers: (() => void)[] = [];
  const run = (setId: string) => {
    calls.push(setId);
    return new Promise<void>((resolve) => finishers.push(resolve));
  };
  const finish = async () => {
    finishers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { calls, run, finish };
}

describe("refresh scheduler", () => {
  it("runs at once, collapses requests made meanwhile into one follow-up, spaced by the interval", async () => {
    const c = controllable();
    const s = createRefreshScheduler(c.run, { minIntervalMs: 2000, now: () => Date.now() });
    s.request("a");
    expect(c.calls).toEqual(["a"]);
    for (let i = 0; i < 100; i++) s.request("a"); // 100 pollers during the refresh
    expect(c.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    await c.finish(); // finished after 500 ms: the follow-up waits until 2 s after the first start
    expect(c.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1499);
    expect(c.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.calls).toEqual(["a", "a"]);
    await c.finish();
    let idle = false;
    void s.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(idle).toBe(true);
    expect(c.calls).toHaveLength(2); // nothing asked since: no third run
  });

  it("spaces a costly set's refreshes by their own cost, within the cap", async () => {
    const c = controllable();
    const s = createRefreshScheduler(c.run, { minIntervalMs: 1000, costFactor: 10, maxIntervalMs: 5000, now: () => Date.now() });
    s.request("big");
    await vi.advanceTimersByTimeAsync(300);
    await c.finish(); // took 300 ms: the next may start 10 x 300 = 3 s after this one started
    s.request("big");
    await vi.advanceTimersByTimeAsync(2699);
    expect(c.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2000);
    await c.finish(); // took 2 s: 10 x 2 s = 20 s, capped at 5 s
    s.request("big");
    await vi.advanceTimersByTimeAsync(2999);
    expect(c.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.calls).toHaveLength(3);
    await c.finish(); // instant: back to the 1 s minimum
    s.request("big");
    await vi.advanceTimersByTimeAsync(999);
    expect(c.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.calls).toHaveLength(4);
    await c.finish();
  });

  it("keeps sets independent and survives a failing refresh", async () => {
    const errors: string[] = [];
    let n = 0;
    const s = createRefreshScheduler(
      async (setId) => {
        n++;
        if (setId === "bad") throw new Error("db away");
      },
      { minIntervalMs: 1000, onError: (_e, id) => errors.push(id) },
    );
    s.request("bad");
    s.request("good");
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(2);
    expect(errors).toEqual(["bad"]);
    s.request("bad");
    await vi.advanceTimersByTimeAsync(1000);
    expect(n).toBe(3);
  });
});
