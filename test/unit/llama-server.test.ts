// The test server over HTTP: its budget rule and self-audit with an injected
// clock, token accounting, latency models, capacity and imperfect answers.
// (The pieces alone: llama-server-model.test.ts.)
import Ajv from "ajv";
import sharp from "sharp";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { batchJsonSchema, buildPrompt } from "@/lib/llama/prompt";
import { IMAGE_TOKENS, llama4ImageTokens, maxCompletionTokens } from "@/lib/llama/tokens";
import { sceneJpeg } from "@/test/helpers/images";
import { BudgetAudit, WindowMax } from "@/test/llama-server/audit";
import { TokenBucket } from "@/test/llama-server/bucket";
import { dataUrlSize } from "@/test/llama-server/images";
import { expectedLatencyMs } from "@/test/llama-server/latency";
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

const body = (images: number, extra: Record<string, unknown> = {}, tag = "") => ({
  model: "m",
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: buildPrompt(images) },
        ...Array.from({ length: images }, (_, i) => ({ type: "image_url", image_url: { url: `data:image/jpeg;base64,QUJD${tag}${i}` } })),
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

  it("reserves prompt + max_completion_tokens at admission and charges prompt + the answer's tokens", async () => {
    let clock = 0;
    const prompt = Math.ceil(buildPrompt(2).length / 4) + 2 * IMAGE_TOKENS; // the test images are not decodable: worst case
    const reserve = prompt + maxCompletionTokens(2);
    // Budget for exactly one reservation per burst.
    server = await createLlamaServer({ rpm: 1000, tpm: reserve * 60, burstSeconds: 1, latencyMedianMs: 0, now: () => clock });
    const ok = await post(server.url, body(2));
    expect(ok.status).toBe(200);
    const metrics = ok.json.metrics as { metric: string; value: number }[];
    const completion = metrics.find((m) => m.metric === "num_completion_tokens")!.value;
    expect(metrics.find((m) => m.metric === "num_prompt_tokens")?.value).toBe(prompt);
    expect(completion).toBeGreaterThan(2 * 380);
    expect(server.stats()).toMatchObject({
      tokens: prompt + completion,
      tokensReserved: reserve,
      promptTokens: prompt,
      completionTokens: completion,
      images: 2,
      imagesUnreadable: 2,
      overLimit: 0,
    });
    // The refund came back, but a whole reservation does not fit until the charge has refilled.
    const limited = await post(server.url, body(2));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after-ms"])).toBe(Math.ceil(((prompt + completion) / reserve) * 1000));
    clock = 1000;
    expect((await post(server.url, body(2))).status).toBe(200);
  });

  it("charges the whole reservation with completionCharge 'max' (no refund)", async () => {
    server = await createLlamaServer({ completionCharge: "max", latencyMedianMs: 0 });
    await post(server.url, body(1));
    const s = server.stats();
    expect(s.tokens).toBe(s.tokensReserved);
    expect(s.tokens).toBe(Math.ceil(buildPrompt(1).length / 4) + IMAGE_TOKENS + maxCompletionTokens(1));
    expect(s.completionTokens).toBeLessThan(maxCompletionTokens(1));
  });

  it("holds the unused answer budget while the request is in flight and frees it when answered (refund), not with 'max'", async () => {
    const clock = 0;
    const prompt = Math.ceil(buildPrompt(1).length / 4) + IMAGE_TOKENS;
    const reserve = prompt + maxCompletionTokens(1);
    for (const completionCharge of ["refund", "max"] as const) {
      // Room for just under 2 reservations: a second fits only once the first has answered and given back its unused part.
      server = await createLlamaServer({ tpm: (2 * reserve - 1) * 60, burstSeconds: 1, latencyMedianMs: 400, latencySpread: 0, completionCharge, now: () => clock });
      const first = post(server.url, body(1, {}, "a"));
      while (server.stats().accepted === 0) await new Promise((r) => setTimeout(r, 5));
      const during = await post(server.url, body(1, {}, "b"));
      expect(during.status).toBe(429);
      expect((await first).status).toBe(200);
      expect((await post(server.url, body(1, {}, "b"))).status).toBe(completionCharge === "refund" ? 200 : 429);
      expect(server.stats().overLimit).toBe(0);
      await server.close();
      server = undefined;
    }
  });

  it("counts image tokens by Llama 4's tiling of each image's real size (JPEG or PNG header), flat on request", async () => {
    const jpeg = await sceneJpeg(1, 1024, 768);
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#808080" } }).png().toBuffer();
    const images = [`data:image/jpeg;base64,${jpeg.toString("base64")}`, `data:image/png;base64,${png.toString("base64")}`];
    const payload = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "abcd".repeat(25) }, ...images.map((url) => ({ type: "image_url", image_url: { url } }))] }],
      max_completion_tokens: 4000,
    };
    expect(await dataUrlSize(images[0]!)).toEqual({ width: 1024, height: 768 });
    server = await createLlamaServer({ latencyMedianMs: 0 });
    expect(server.params.imageTokens).toBe("tiling");
    const tiled = await post(server.url, payload);
    const promptOf = (r: { json: Record<string, unknown> }) => (r.json.metrics as { metric: string; value: number }[])[0]!.value;
    expect(promptOf(tiled)).toBe(25 + llama4ImageTokens(1024, 768) + llama4ImageTokens(300, 200));
    expect(llama4ImageTokens(1024, 768)).toBe(1887);
    expect(server.stats().imagesUnreadable).toBe(0);
    await server.close();
    server = await createLlamaServer({ latencyMedianMs: 0, imageTokens: "flat" });
    expect(promptOf(await post(server.url, payload))).toBe(25 + 2 * IMAGE_TOKENS);
  });

  it("cuts an answer longer than max_completion_tokens (stop_reason length), as a model does", async () => {
    server = await createLlamaServer({ latencyMedianMs: 0 });
    const cut = await post(server.url, body(2, { max_completion_tokens: 300 }));
    const message = cut.json.completion_message as { stop_reason: string };
    expect(message.stop_reason).toBe("length");
    expect((cut.json.metrics as { metric: string; value: number }[])[1]!.value).toBe(300);
    expect(server.stats()).toMatchObject({ truncatedAtMax: 1, completionTokens: 300 });
  });

  it("takes ttft + prompt/prefill + answer/decode with the tokens latency model (the default without latencyMedianMs)", async () => {
    server = await createLlamaServer({ ttftMs: 5, prefillTokensPerS: 1e6, decodeTokensPerS: 1e5, latencyJitter: 0 });
    expect(server.params.latencyModel).toBe("tokens");
    const res = await post(server.url, body(3));
    const [prompt, completion] = (res.json.metrics as { value: number }[]).map((m) => m.value);
    expect(server.stats().workMs).toBeCloseTo(expectedLatencyMs(server.params.latency, prompt!, completion!));
    expect(server.stats().workMs).toBeCloseTo(5 + (prompt! / 1e6) * 1000 + (completion! / 1e5) * 1000);
    expect(server.stats().latencyMs.count).toBe(1);
    await server.close();
    server = await createLlamaServer({ latencyMedianMs: 7, latencySpread: 0 });
    expect(server.params.latencyModel).toBe("fixed");
    await post(server.url, body(3));
    expect(server.stats().workMs).toBe(7);
  });

  it("serves through the capacity model when capacity is set: all answered, in flight counted", async () => {
    server = await createLlamaServer({ capacity: 2, latencyMedianMs: 30, latencySpread: 0 });
    const all = await Promise.all([0, 1, 2, 3, 4].map((i) => post(server!.url, body(1, {}, `c${i}`))));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const s = server.stats();
    expect(s.maxInFlight).toBe(5);
    expect(s.latencyMs.count).toBe(5);
    expect(s.workMs).toBe(150);
  });

  it("sends imperfect answers that stay valid under the schema the request sent, and counts them", async () => {
    server = await createLlamaServer({ imperfect: 1, latencyMedianMs: 0, seed: 3 });
    const schema = batchJsonSchema(4);
    const validate = new Ajv().compile(schema);
    let pastEdge = 0;
    for (let i = 0; i < 10; i++) {
      const res = await post(
        server.url,
        body(4, { response_format: { type: "json_schema", json_schema: { name: "photo_batch_analysis", schema } }, max_completion_tokens: 8000 }, `i${i}`),
      );
      const message = res.json.completion_message as { content: string | { text: string } };
      const answer = JSON.parse(typeof message.content === "string" ? message.content : message.content.text) as {
        photos: { crops: Record<string, { x: number; y: number; width: number; height: number }> }[];
      };
      expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
      pastEdge += answer.photos.filter((p) => Object.values(p.crops).some((b) => b.x + b.width > 1 || b.y + b.height > 1)).length;
    }
    const s = server.stats();
    expect(s.offSchema).toBe(0);
    expect(s.imperfect.entries).toBeGreaterThan(20);
    expect(s.imperfect.byKind.cropPastEdge).toBe(pastEdge);
    expect(s.imperfect.byKind.categoryCase).toBeUndefined(); // the schema's enum forbids it
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
