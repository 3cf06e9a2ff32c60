// The pieces that make the test server behave like a hosted model, each on its
// own with a fake clock: latency formula and processor sharing, the tokens
// budget with reservations and refunds (and why refunds cannot go back into the
// bucket), realistic answer lengths, imperfect answers valid under the schema.
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { batchJsonSchema } from "@/lib/llama/prompt";
import { CATEGORIES } from "@/lib/llama/types";
import { fakeAnalysis } from "@/test/llama-server/answers";
import { BudgetAudit } from "@/test/llama-server/audit";
import { ReservingBucket, TokenBucket } from "@/test/llama-server/bucket";
import { AnswerShaper, IMPERFECTION_KINDS, type ShapeResult } from "@/test/llama-server/imperfect";
import { DEFAULT_LATENCY, ProcessorSharing, capacityRequestsPerS, expectedLatencyMs, meanLatencyMs, type Timers } from "@/test/llama-server/latency";
import { createRng } from "@/test/llama-server/rng";

describe("latency formula", () => {
  it("is time to first token + prompt at the prefill rate + answer at the decode rate", () => {
    expect(expectedLatencyMs(DEFAULT_LATENCY, 8000, 150)).toBeCloseTo(300 + 1000 + 1000);
    // A batch of 8 photos with ~480-token answers takes several times as long as one photo.
    const one = expectedLatencyMs(DEFAULT_LATENCY, 1500, 480);
    const eight = expectedLatencyMs(DEFAULT_LATENCY, 8 * 1200, 8 * 480);
    expect(eight / one).toBeGreaterThan(5);
  });

  it("gives the capacity ceiling from the mean latency (the jitter's log-normal mean)", () => {
    const p = { ...DEFAULT_LATENCY, capacity: 16, jitter: 0.1 };
    const mean = meanLatencyMs(p, 2000, 480);
    expect(mean).toBeCloseTo(expectedLatencyMs(p, 2000, 480) * Math.exp(0.005));
    expect(capacityRequestsPerS(p, 2000, 480)).toBeCloseTo((16 * 1000) / mean);
    expect(capacityRequestsPerS({ ...p, capacity: Infinity }, 2000, 480)).toBe(Infinity);
  });
});

/** Timers driven by hand: advance(t) fires what is due, in order. */
function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => {
      pending.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clear: (h) => void pending.delete(h as number),
  };
  const advance = (to: number) => {
    for (;;) {
      const due = [...pending.entries()].filter(([, p]) => p.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = to;
  };
  return { timers, clock: () => now, advance };
}

describe("ProcessorSharing (capacity)", () => {
  const run = (capacity: number, jobs: { at: number; work: number; cancelAt?: number }[]) => {
    const f = fakeTimers();
    const ps = new ProcessorSharing(capacity, f.clock, f.timers);
    const finished: number[] = new Array<number>(jobs.length).fill(NaN);
    const events = jobs.flatMap((j, i) => [
      { t: j.at, go: () => (cancels[i] = ps.add(j.work, () => (finished[i] = f.clock()))) },
      ...(j.cancelAt !== undefined ? [{ t: j.cancelAt, go: () => cancels[i]!() }] : []),
    ]);
    const cancels: (() => void)[] = [];
    for (const e of events.sort((a, b) => a.t - b.t)) {
      f.advance(e.t);
      e.go();
    }
    f.advance(1e9);
    return { finished, maxInFlight: ps.maxInFlight };
  };

  it("serves up to `capacity` requests at full speed", () => {
    expect(run(2, [{ at: 0, work: 1000 }, { at: 0, work: 1000 }]).finished).toEqual([1000, 1000]);
  });

  it("beyond capacity, every request in flight progresses capacity/n as fast", () => {
    const { finished, maxInFlight } = run(2, [0, 0, 0, 0].map((at) => ({ at, work: 1000 })));
    expect(finished).toEqual([2000, 2000, 2000, 2000]);
    expect(maxInFlight).toBe(4);
  });

  it("recomputes as requests come and go (not a multiplier fixed at the start)", () => {
    // A alone for 500 ms (500 left), then A and B at half speed: A ends at 1500; B, 500 left, alone until 2000.
    expect(run(1, [{ at: 0, work: 1000 }, { at: 500, work: 1000 }]).finished).toEqual([1500, 2000]);
    // B leaves (client gone) at 500: A did 250 at half speed, its last 750 alone: ends at 1250.
    const cancelled = run(1, [{ at: 0, work: 1000 }, { at: 0, work: 1000, cancelAt: 500 }]).finished;
    expect(cancelled[0]).toBe(1250);
    expect(cancelled[1]).toBeNaN();
  });

  it("finishes short jobs first and hands their share to the rest", () => {
    // 3 jobs at capacity 1: all at 1/3 until the 300 one ends at 900; then 1/2 until the 600 one ends at 1500; then alone.
    expect(run(1, [{ at: 0, work: 300 }, { at: 0, work: 600 }, { at: 0, work: 900 }]).finished).toEqual([900, 1500, 1800]);
  });
});

describe("ReservingBucket (reserve the answer budget, charge what was used)", () => {
  it("admits by prompt + max, charges prompt + actual, and frees the hold on release", () => {
    const b = new ReservingBucket(6000, 1, 0); // 100 tokens of capacity, refilled 0.1/ms
    expect(b.waitMs(80, 0)).toBe(0);
    b.take(50, 30, 0); // reserved 80: charged 50, 30 held until answered
    expect(b.available(0)).toBe(20);
    expect(b.waitMs(80, 0)).toBeCloseTo(500); // 80 + 30 held is more than the bucket: it must be full (50 more at 0.1/ms)
    b.release(30);
    expect(b.available(0)).toBe(50);
    expect(b.waitMs(80, 0)).toBeCloseTo(300); // 30 more at 0.1/ms
    // Bigger than the bucket: admitted once it is full and nothing is held, leaving it in debt.
    expect(b.waitMs(150, 0)).toBeCloseTo(500);
    b.take(150, 0, 500);
    expect(b.available(500)).toBeCloseTo(-50);
  });

  it("keeps the charges within the budget rule, whatever the refunds (randomised, audited)", () => {
    const rng = createRng(5);
    const b = new ReservingBucket(60_000, 2, 0); // 2000 capacity, 1/ms
    const audit = new BudgetAudit(b.capacity, b.perMs);
    const open: { until: number; hold: number }[] = [];
    let admitted = 0;
    let big = 0;
    for (let t = 0; t < 1_000_000; t += Math.floor(rng() * 2500)) {
      for (let i = open.length - 1; i >= 0; i--) if (open[i]!.until <= t) b.release(open.splice(i, 1)[0]!.hold);
      // Now and then a reservation bigger than the bucket (admitted into debt once it is full).
      const max = rng() < 0.02 ? 2500 : 200 + Math.floor(rng() * 800);
      const prompt = 100 + Math.floor(rng() * 400);
      if (b.waitMs(prompt + max, t) > 0) continue;
      const used = Math.floor(rng() * max);
      b.take(prompt + used, max - used, t);
      audit.record(t, prompt + used);
      open.push({ until: t + Math.floor(rng() * 1000), hold: max - used });
      admitted++;
      if (prompt + max > b.capacity) big++;
    }
    expect(admitted).toBeGreaterThan(100);
    expect(big).toBeGreaterThan(0);
    expect(audit.violations).toBe(0);
  });

  it("a refund put back into the bucket instead would over-admit (the case the design avoids)", () => {
    // Capacity 100, refill 0.01/ms. A reserves 100 and will use 10; B takes 100 once full again;
    // A's refund of 90 then lets C take 90 at once: 190 within moments against a budget of 100.
    const naive = new TokenBucket(600, 10, 0);
    const audit = new BudgetAudit(naive.capacity, naive.perMs);
    naive.take(100, 0);
    audit.record(0, 10);
    const full = 10_000;
    expect(naive.waitMs(100, full)).toBe(0);
    naive.take(100, full);
    audit.record(full, 100);
    naive.take(-90, full); // the refund
    expect(naive.waitMs(90, full)).toBe(0);
    naive.take(90, full);
    expect(audit.record(full, 90)).toBe(false);
  });
});

describe("fake answers", () => {
  it("are as long as a real model's: ~400-600 tokens a photo (4 characters a token), varying per image", () => {
    const lengths = Array.from({ length: 500 }, (_, i) => Math.ceil(JSON.stringify({ index: 1, ...fakeAnalysis(`image-${i}`) }).length / 4));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(380);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(620);
    expect(new Set(lengths).size).toBeGreaterThan(50);
    expect(fakeAnalysis("image-1")).toEqual(fakeAnalysis("image-1"));
    expect(fakeAnalysis("image-1").description).toContain("generated by the local test server");
  });

  it("crop each ratio exactly in pixels when the image's size is known, inside the image", () => {
    for (const size of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }, { width: 896, height: 672 }, { width: 1080, height: 1080 }]) {
      for (let i = 0; i < 50; i++) {
        const crops = fakeAnalysis(`c${i}`, size).crops;
        for (const [ratio, box] of Object.entries(crops)) {
          const [w, h] = ratio.split(":").map(Number) as [number, number];
          const px = { w: box.width * size.width, h: box.height * size.height };
          expect(Math.abs(px.w - px.h * (w / h))).toBeLessThanOrEqual(Math.max(2, 0.01 * px.w));
          expect(box.x + box.width).toBeLessThanOrEqual(1.0001);
          expect(box.y + box.height).toBeLessThanOrEqual(1.0001);
        }
      }
    }
  });
});

describe("AnswerShaper (imperfect but schema-valid)", () => {
  const ajv = new Ajv();
  const entries = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ index: i + 1, ...fakeAnalysis(`${tag}-${i}`) }));
  const wrap = (photos: unknown[]) => ({ photos });
  const shapeMany = (schema: Record<string, unknown>, rounds: number, kinds = IMPERFECTION_KINDS) => {
    const shaper = new AnswerShaper({ rate: 1, kinds }, createRng(9));
    const validate = ajv.compile(schema);
    const results: ShapeResult[] = [];
    for (let r = 0; r < rounds; r++) {
      const res = shaper.shape(entries(3, `r${r}`), schema, wrap);
      expect(validate(wrap(res.entries)), JSON.stringify(validate.errors)).toBe(true);
      expect(res.offSchema).toBe(false);
      results.push(res);
    }
    const applied = (kind: string) => results.reduce((a, r) => a + ((r.applied as Record<string, number>)[kind] ?? 0), 0);
    return { results, applied, all: results.flatMap((r) => r.entries) };
  };

  it("under the schema the providers send: crops past the edge and messy hashtags, never what the schema forbids", () => {
    const schema = batchJsonSchema(3) as Record<string, unknown>;
    const { results, applied, all } = shapeMany(schema, 100);
    expect(results.reduce((a, r) => a + r.imperfectEntries, 0)).toBeGreaterThan(100);
    expect(applied("cropPastEdge")).toBeGreaterThan(0);
    expect(applied("hashtags")).toBeGreaterThan(0);
    const boxes = all.flatMap((e) => Object.values(e.crops as Record<string, { x: number; y: number; width: number; height: number }>));
    expect(boxes.some((b) => b.x + b.width > 1 || b.y + b.height > 1)).toBe(true);
    const tags = all.flatMap((e) => e.hashtags as string[]);
    expect(tags.some((h) => h.includes(" "))).toBe(true);
    expect(tags.some((h) => h.includes("-"))).toBe(true);
    expect(tags.some((h) => /\p{Extended_Pictographic}/u.test(h))).toBe(true);
    // The schema's enum and additionalProperties:false forbid these: drawn, dropped, never sent.
    expect(applied("categoryCase")).toBe(0);
    expect(applied("extraFields")).toBe(0);
    expect(all.every((e) => (CATEGORIES as readonly string[]).includes(e.category as string))).toBe(true);
    expect(results.reduce((a, r) => a + r.dropped, 0)).toBeGreaterThan(0);
  });

  it("sends wrong-case categories, extra fields and over-long lists where a looser schema allows them", () => {
    const loose = structuredClone(batchJsonSchema(3)) as { properties: { photos: { items: Record<string, unknown> } } };
    const item = loose.properties.photos.items as { properties: Record<string, Record<string, unknown>>; additionalProperties?: boolean };
    delete item.additionalProperties;
    delete item.properties.category!.enum;
    delete item.properties.tags!.maxItems;
    const { applied, all } = shapeMany(loose as unknown as Record<string, unknown>, 60);
    expect(applied("categoryCase")).toBeGreaterThan(0);
    expect(applied("extraFields")).toBeGreaterThan(0);
    expect(applied("longLists")).toBeGreaterThan(0);
    expect(all.some((e) => /[A-Z]/.test(e.category as string))).toBe(true);
    expect(all.some((e) => "mood" in e)).toBe(true);
    expect(all.some((e) => (e.tags as string[]).length > 20)).toBe(true);
  });

  it("leaves answers alone without a schema (nothing says what the endpoint allows), or at rate 0", () => {
    const original = entries(2, "x");
    expect(new AnswerShaper({ rate: 1, kinds: IMPERFECTION_KINDS }, createRng(1)).shape(structuredClone(original), undefined, wrap).entries).toEqual(original);
    const none = new AnswerShaper({ rate: 0, kinds: IMPERFECTION_KINDS }, createRng(1)).shape(structuredClone(original), batchJsonSchema(2), wrap);
    expect(none.entries).toEqual(original);
    expect(none.offSchema).toBe(false);
  });

  it("flags a perfect answer that breaks the schema (the self-check the server counts as offSchema)", () => {
    const tight = structuredClone(batchJsonSchema(1)) as { properties: { photos: { items: { properties: Record<string, Record<string, unknown>> } } } };
    tight.properties.photos.items.properties.description!.maxLength = 10;
    const res = new AnswerShaper({ rate: 0, kinds: [] }, createRng(1)).shape(entries(1, "y"), tight, wrap);
    expect(res.offSchema).toBe(true);
  });
});
