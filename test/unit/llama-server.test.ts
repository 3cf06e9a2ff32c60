// The test server's budget rule and its self-audit, with an injected clock.
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { buildPrompt } from "@/lib/llama/prompt";
import { IMAGE_TOKENS, maxCompletionTokens, requestCost } from "@/lib/llama/tokens";
import { BudgetAudit, WindowMax } from "@/test/llama-server/audit";
import { TokenBucket } from "@/test/llama-server/bucket";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";

describe("TokenBucket (continuous refill)", () => {
  it("starts with burstSeconds of budget and refills limit/60 per second", () => {
    const b = new TokenBucket(3000, 2, 0); // 50/s, capacity 100
    expect(b.capacity).toBe(100);
    expect(b.available(0)).toBe(100);
    b.take(100, 0);
    expect(b.available(0)).toBe(0);
    expect(b.available(100)).toBeCloseTo(5); // 0.1 s x 50/s
    expect(b.available(1000)).toBeCloseTo(50);
    expect(b.available(60_000)).toBe(100); // never above capacity
  });

  it("says how long until an amount fits; one bigger than the bucket waits for a full bucket and leaves it in debt", () => {
    const b = new TokenBucket(600, 1, 0); // 10/s, capacity 10
    b.take(10, 0);
    expect(b.waitMs(1, 0)).toBeCloseTo(100);
    expect(b.waitMs(5, 200)).toBeCloseTo(300);
    expect(b.waitMs(1, 1000)).toBe(0);
    b.take(10, 1000);
    expect(b.waitMs(11, 1500)).toBeCloseTo(500);
    expect(b.waitMs(11, 2000)).toBe(0);
    b.take(11, 2000);
    expect(b.available(2000)).toBeCloseTo(-1);
    expect(b.waitMs(10, 2000)).toBeCloseTo(1100);
  });

  it("holds 10 requests/min to exactly one every 6 s although a request is bigger than its 2 s bucket", () => {
    const b = new TokenBucket(10, 2, 0);
    const audit = new BudgetAudit(b.capacity, b.perMs);
    const starts: number[] = [];
    for (let t = 0; t <= 60_000; t += 10) {
      if (b.waitMs(1, t) === 0) {
        b.take(1, t);
        starts.push(t);
        expect(audit.record(t, 1)).toBe(true);
      }
    }
    // The first at once (the bucket starts full), then one per 6 s.
    expect(starts).toEqual([0, 6000, 12_000, 18_000, 24_000, 30_000, 36_000, 42_000, 48_000, 54_000, 60_000]);
  });

  it("sustains exactly the configured rate over a long run", () => {
    const b = new TokenBucket(3000, 2, 0);
    let accepted = 0;
    for (let t = 0; t <= 60_000; t += 1) {
      if (b.waitMs(1, t) === 0) {
        b.take(1, t);
        accepted++;
      }
    }
    // 100 burst + 50/s x 60 s
    expect(accepted).toBeGreaterThanOrEqual(3099);
    expect(accepted).toBeLessThanOrEqual(3100);
  });
});

describe("BudgetAudit (independent of the bucket)", () => {
  it("accepts what a correct bucket admits", () => {
    const b = new TokenBucket(3000, 2, 0);
    const audit = new BudgetAudit(b.capacity, b.perMs);
    for (let t = 0; t < 10_000; t += 3) {
      if (b.waitMs(1, t) === 0) {
        b.take(1, t);
        expect(audit.record(t, 1)).toBe(true);
      }
    }
    expect(audit.violations).toBe(0);
  });

  it("catches a request admitted before the bucket was full again", () => {
    const a = new BudgetAudit(10, 0.01); // 10/s, capacity 10
    expect(a.record(0, 25)).toBe(true); // the bucket was full: it may go into debt
    expect(a.record(1000, 10)).toBe(false); // 1 s later it holds -5, not 10
  });

  it("catches a bucket that over-admits (a burst, or a sustained excess)", () => {
    const burst = new BudgetAudit(100, 0.05);
    for (let i = 0; i < 101; i++) burst.record(0, 1);
    expect(burst.violations).toBe(1);
    const sustained = new BudgetAudit(100, 0.05);
    for (let t = 0; t < 10_000; t += 10) sustained.record(t, 1); // 100/s against 50/s
    expect(sustained.violations).toBeGreaterThan(0);
  });

  it("catches excess spread over a long interval that no single moment shows", () => {
    // 60 requests/s for 10 s against 50/s + 100 burst: 600 > 100 + 500.
    const a = new BudgetAudit(100, 0.05);
    for (let i = 0; i < 600; i++) a.record((i * 10_000) / 600, 1);
    expect(a.violations).toBeGreaterThan(0);
  });
});

describe("WindowMax", () => {
  it("finds the busiest 60 s window", () => {
    const w = new WindowMax();
    for (let t = 0; t < 30_000; t += 100) w.record(t); // 300
    for (let t = 90_000; t < 100_000; t += 50) w.record(t); // 200, far from the first
    expect(w.max).toBe(300);
  });
});

const body = (images: number, extra: Record<string, unknown> = {}) => ({
  model: "m",
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: buildPrompt(images) },
        ...Array.from({ length: images }, (_, i) => ({ type: "image_url", image_url: { url: `data:image/jpeg;base64,QUJD${i}` } })),
      ],
    },
  ],
  max_completion_tokens: maxCompletionTokens(images),
  ...extra,
});

async function post(url: string, payload: unknown, key?: string) {
  const res = await request(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> };
}

describe("createLlamaServer", () => {
  let server: LlamaServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("answers 429 with Retry-After and x-ratelimit-* once the request budget is spent, and admits again after refill", async () => {
    let clock = 0;
    server = await createLlamaServer({ rpm: 60, burstSeconds: 2, latencyMedianMs: 0, now: () => clock }); // 1/s, capacity 2
    const a = await post(server.url, body(1));
    expect(a.status).toBe(200);
    expect(a.headers["x-ratelimit-limit-requests"]).toBe("60");
    expect(a.headers["x-ratelimit-remaining-requests"]).toBe("1");
    expect(a.headers["x-ratelimit-limit-tokens"]).toBe("100000000");
    expect((await post(server.url, body(1))).status).toBe(200);
    const limited = await post(server.url, body(1));
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(limited.headers["retry-after-ms"]).toBe("1000");
    expect(limited.headers["x-ratelimit-remaining-requests"]).toBe("0");
    clock = 500;
    expect((await post(server.url, body(1))).headers["retry-after-ms"]).toBe("500");
    clock = 1000;
    expect((await post(server.url, body(1))).status).toBe(200);
    expect(server.stats()).toMatchObject({ received: 5, accepted: 3, rejected429: 2, overLimit: 0, maxAcceptedPer60s: 3 });
  });

  it("charges tokens by the documented formula and limits on tokens too", async () => {
    let clock = 0;
    const cost = requestCost(buildPrompt(2).length, 2, maxCompletionTokens(2));
    // Budget for exactly one such request per burst.
    server = await createLlamaServer({ rpm: 1000, tpm: cost * 60, burstSeconds: 1, latencyMedianMs: 0, now: () => clock });
    const ok = await post(server.url, body(2));
    expect(ok.status).toBe(200);
    expect(server.stats()).toMatchObject({ tokens: cost, images: 2 });
    const metrics = ok.json.metrics as { metric: string; value: number }[];
    expect(metrics.find((m) => m.metric === "num_prompt_tokens")?.value).toBe(Math.ceil(buildPrompt(2).length / 4) + 2 * IMAGE_TOKENS);
    const limited = await post(server.url, body(2));
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after-ms"]).toBe("1000");
    clock = 1000;
    expect((await post(server.url, body(2))).status).toBe(200);
  });

  it("checks the API key and validates the body", async () => {
    server = await createLlamaServer({ apiKey: "right", latencyMedianMs: 0 });
    expect((await post(server.url, body(1), "wrong")).status).toBe(401);
    expect((await post(server.url, body(1))).status).toBe(401);
    expect((await post(server.url, "{nope", "right")).status).toBe(400);
    expect((await post(server.url, { model: "m", messages: [] }, "right")).status).toBe(400);
    expect((await post(server.url, body(0), "right")).status).toBe(400);
    expect((await post(server.url, body(1), "right")).status).toBe(200);
    expect(server.stats()).toMatchObject({ rejectedAuth: 2, rejectedInvalid: 3, accepted: 1 });
  });

  it("is reproducible for a seed: same faults and content shapes in the same order", async () => {
    const run = async () => {
      const s = await createLlamaServer({ seed: 42, latencyMedianMs: 0, faults: { serverError: 0.3, malformed: 0.2, wrongCount: 0.2 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await post(s.url, body(2))).status);
      const stats = s.stats();
      await s.close();
      return { statuses, faults: stats.faults, shapes: stats.contentShapes };
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.faults.serverError).toBeGreaterThan(0);
    expect(first.statuses.filter((s) => s === 500)).toHaveLength(first.faults.serverError);
  });
});
