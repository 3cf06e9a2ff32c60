import { describe, expect, it, vi } from "vitest";
import { createTokenCache } from "@/lib/auth/token-cache";

describe("session token cache", () => {
  it("decodes a token once while it is fresh, and again after the TTL", async () => {
    let t = 1_000_000;
    const cache = createTokenCache({ ttlMs: 60_000, now: () => t });
    const decode = vi.fn(async () => ({ userId: "u1", version: 0, expiresAtS: 0 }));
    expect((await cache.resolve("tok", decode))?.userId).toBe("u1");
    t += 59_999;
    expect((await cache.resolve("tok", decode))?.userId).toBe("u1");
    expect(decode).toHaveBeenCalledTimes(1);
    t += 1;
    expect((await cache.resolve("tok", decode))?.userId).toBe("u1");
    expect(decode).toHaveBeenCalledTimes(2);
  });

  it("never answers for a token past its own expiry, even inside the TTL", async () => {
    let t = 1_000_000;
    const cache = createTokenCache({ ttlMs: 60_000, now: () => t });
    const decode = vi.fn(async () => ({ userId: "u1", version: 0, expiresAtS: (t + 10_000) / 1000 }));
    expect((await cache.resolve("tok", decode))?.userId).toBe("u1");
    t += 10_000;
    decode.mockResolvedValueOnce({ userId: "u1", version: 0, expiresAtS: 1_010 }); // still the expired claim
    expect(await cache.resolve("tok", decode)).toBeNull();
    expect(decode).toHaveBeenCalledTimes(2);
  });

  it("does not remember failures, and shares one decode between concurrent callers", async () => {
    const cache = createTokenCache();
    const bad = vi.fn(async () => null);
    expect(await cache.resolve("bad", bad)).toBeNull();
    expect(await cache.resolve("bad", bad)).toBeNull();
    expect(bad).toHaveBeenCalledTimes(2);
    expect(cache.size()).toBe(0);
    const thrown = vi.fn(async () => Promise.reject(new Error("tampered")));
    expect(await cache.resolve("x", thrown)).toBeNull();

    let release!: () => void;
    const slow = vi.fn(() => new Promise<{ userId: string; version: number; expiresAtS: number }>((r) => (release = () => r({ userId: "u2", version: 0, expiresAtS: 0 }))));
    const both = Promise.all([cache.resolve("t2", slow), cache.resolve("t2", slow)]);
    release();
    expect((await both).map((d) => d?.userId)).toEqual(["u2", "u2"]);
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it("stays within its bound by evicting the oldest token", async () => {
    const cache = createTokenCache({ maxEntries: 3 });
    for (const k of ["a", "b", "c", "d"]) await cache.resolve(k, async () => ({ userId: k, version: 0, expiresAtS: 0 }));
    expect(cache.size()).toBe(3);
    const again = vi.fn(async () => ({ userId: "a", version: 0, expiresAtS: 0 }));
    await cache.resolve("a", again);
    expect(again).toHaveBeenCalledTimes(1);
  });
});
