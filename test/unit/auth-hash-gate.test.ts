// The scrypt gate: at most one check per core at a time, a short queue, and
// the rest refused at once as "busy" (instead of 40 parallel sign-ins for
// made-up e-mails being 40 scrypt runs at once).
import { describe, expect, it } from "vitest";
import { HASH_CONCURRENCY, HASH_QUEUE, HashingBusyError, hashPassword, hashingStats, verifyPassword } from "@/lib/auth/password";

describe("password hashing gate", () => {
  it("runs at most HASH_CONCURRENCY checks at once and refuses what does not fit in the queue", async () => {
    const stored = await hashPassword("a-long-enough-password");
    // Refusals cost no hashing, so many extra calls are cheap. Bottleneck takes submissions
    // through its own async lock, so on a loaded machine a check or two can finish (and
    // free a queue place) before the last call is submitted: CI once refused 8 of 10.
    // At least half of the extra ones must be refused, never more than extra + running.
    const extra = 40;
    const n = HASH_CONCURRENCY + HASH_QUEUE + extra;
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => verifyPassword(i === 0 ? "a-long-enough-password" : "wrong-password-123", stored)));
    const refused = results.filter((r) => r.status === "rejected");
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(HashingBusyError);
    expect(refused.length).toBeGreaterThanOrEqual(extra / 2);
    expect(refused.length).toBeLessThanOrEqual(extra + HASH_CONCURRENCY);
    // The first was queued, not refused, and checked right.
    expect(results[0]).toEqual({ status: "fulfilled", value: true });
    expect(hashingStats().peak).toBeLessThanOrEqual(HASH_CONCURRENCY);
    expect(hashingStats().running).toBe(0);
    // Refusals are momentary: once the queue drains, checks run again.
    expect(await verifyPassword("a-long-enough-password", stored)).toBe(true);
  }, 120_000); // ~20 real scrypt runs on a shared 2-core machine

  it("the refusal is a 429 with a message a person can act on", () => {
    const err = new HashingBusyError();
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/try again/i);
  });
});
