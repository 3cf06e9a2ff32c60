import { describe, expect, it } from "vitest";
import { ProviderError } from "@/lib/llama/errors";
import { PROMPT_VERSION, batchJsonSchema, buildPrompt, parseBatchAnswer } from "@/lib/llama/prompt";
import type { PhotoInput } from "@/lib/llama/provider";
import { aiAnalysisSchema, type AiAnalysis } from "@/lib/llama/types";
import { fakeAnalysis } from "@/test/llama-server/answers";

const photo = (id: string): PhotoInput => ({
  id,
  contentHash: id,
  jpeg: Buffer.from(id),
  width: 100,
  height: 80,
  sharpness: null,
  brightness: null,
});
const batch = [photo("a"), photo("b"), photo("c")];
const entry = (index: number, over: Partial<AiAnalysis> = {}) => ({ index, ...fakeAnalysis(String(index)), ...over });

describe("batchJsonSchema", () => {
  const schema = batchJsonSchema(3);
  const text = JSON.stringify(schema);
  it("is plain JSON Schema the API accepts: no $ref, no $schema, no regex patterns", () => {
    expect(text).not.toContain("$ref");
    expect(text).not.toContain("$schema");
    expect(text).not.toContain('"pattern"');
  });
  it("asks for exactly N entries, each with an index 1..N and every analysis field required", () => {
    const photos = (schema.properties as Record<string, Record<string, unknown>>).photos!;
    expect(photos).toMatchObject({ type: "array", minItems: 3, maxItems: 3 });
    const item = photos.items as { required: string[]; properties: Record<string, { minimum?: number; maximum?: number }> };
    expect(item.properties.index).toMatchObject({ minimum: 1, maximum: 3 });
    expect([...item.required].sort()).toEqual([...Object.keys(aiAnalysisSchema.shape), "index"].sort());
  });
});

describe("prompt", () => {
  it("numbers the photos and states the count", () => {
    expect(buildPrompt(3)).toContain("numbered 1 to 3");
    expect(buildPrompt(3)).toContain("exactly 3 entries");
  });
  it("has a version derived from prompt and schema", () => {
    expect(PROMPT_VERSION).toMatch(/^p1-[0-9a-f]{10}$/);
  });
});

describe("parseBatchAnswer", () => {
  it("maps entries to photos by index, whatever their order", () => {
    const out = parseBatchAnswer(JSON.stringify({ photos: [entry(3), entry(1), entry(2)] }), batch);
    expect(out.map((o) => [o.photoId, o.ok])).toEqual([["a", true], ["b", true], ["c", true]]);
    const first = out[0]!;
    if (!first.ok || first.analysis.source !== "ai") throw new Error("expected an AI analysis");
    expect(first.analysis.caption).toBe(fakeAnalysis("1").caption);
  });

  it("normalises hashtags to start with #", () => {
    const out = parseBatchAnswer(JSON.stringify({ photos: [entry(1, { hashtags: ["sunset", "#beach", "café_life"] })] }), [photo("a")]);
    const o = out[0]!;
    if (!o.ok || o.analysis.source !== "ai") throw new Error("expected ok");
    expect(o.analysis.hashtags).toEqual(["#sunset", "#beach", "#café_life"]);
  });

  it("fails only the photo whose entry is missing, duplicated or invalid", () => {
    const out = parseBatchAnswer(
      JSON.stringify({ photos: [entry(1), entry(1), entry(3, { quality: { score: 11, reason: "too good" } })] }),
      batch,
    );
    expect(out[0]).toMatchObject({ photoId: "a", ok: false, error: expect.stringContaining("2 times") });
    expect(out[1]).toMatchObject({ photoId: "b", ok: false, error: expect.stringContaining("no answer for photo 2") });
    expect(out[2]).toMatchObject({ photoId: "c", ok: false, error: expect.stringContaining("quality.score") });
  });

  it("treats a fewer-entries answer as per-photo failures, not a crash", () => {
    const out = parseBatchAnswer(JSON.stringify({ photos: [entry(1), entry(2)] }), batch);
    expect(out.map((o) => o.ok)).toEqual([true, true, false]);
  });

  it("clamps nothing: out-of-range values, bad categories and hashtags with spaces are invalid", () => {
    for (const bad of [
      { instagram: { score: -1, reason: "x" } },
      { category: "selfie" as never },
      { hashtags: ["two words"] },
      { crops: { ...fakeAnalysis("1").crops, "1:1": { x: 0.5, y: 0, width: 0.9, height: 1 } } },
    ]) {
      const [o] = parseBatchAnswer(JSON.stringify({ photos: [entry(1, bad)] }), [photo("a")]);
      expect(o!.ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it("ignores entries whose index is outside the batch", () => {
    const out = parseBatchAnswer(JSON.stringify({ photos: [entry(1), entry(7)] }), [photo("a")]);
    expect(out).toHaveLength(1);
    expect(out[0]!.ok).toBe(true);
  });

  it("accepts a ```json fenced answer", () => {
    const out = parseBatchAnswer("```json\n" + JSON.stringify({ photos: [entry(1)] }) + "\n```", [photo("a")]);
    expect(out[0]!.ok).toBe(true);
  });

  it("throws a retryable invalid_answer when the text is not JSON or has no photos array", () => {
    for (const text of ['{"photos": [{"index": 1', "Sure! Here you go", '{"results": []}', "null"]) {
      let err: unknown;
      try {
        parseBatchAnswer(text, batch);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe("invalid_answer");
      expect((err as ProviderError).retryable).toBe(true);
    }
  });
});
