// Reading a batch answer: which entries are kept, which photos fail, and that
// a cut-off or untidy answer loses only what is really missing.
import { describe, expect, it } from "vitest";
import { parseBatchAnswer } from "@/lib/llama/answer";
import { ProviderError } from "@/lib/llama/errors";
import type { PhotoInput, PhotoOutcome } from "@/lib/llama/provider";
import { aiAnalysisSchema, type AiAnalysis } from "@/lib/llama/types";
import { perfectAnalysis } from "@/test/helpers/analysis";

const photo = (id: string): PhotoInput => ({ id, contentHash: id, jpeg: Buffer.from(id), width: 1000, height: 800, sharpness: null, brightness: null });
const batch = [photo("a"), photo("b"), photo("c")];
const size = { width: 1000, height: 800 };
const entry = (index: number | undefined, over: Partial<AiAnalysis> = {}) => ({ index, ...perfectAnalysis(String(index), size), ...over });
const answer = (entries: unknown[]) => JSON.stringify({ photos: entries });
const oks = (out: PhotoOutcome[]) => out.map((o) => o.ok);

function ai(o: PhotoOutcome | undefined) {
  if (!o?.ok || o.analysis.source !== "ai") throw new Error(`expected an AI analysis, got ${JSON.stringify(o)}`);
  return { repairs: o.repairs, analysis: o.analysis };
}

describe("parseBatchAnswer", () => {
  it("maps entries to photos by index, whatever their order; a perfect answer has no repairs", () => {
    const out = parseBatchAnswer(answer([entry(3), entry(1), entry(2)]), batch);
    expect(out.map((o) => [o.photoId, o.ok])).toEqual([["a", true], ["b", true], ["c", true]]);
    const first = ai(out[0]);
    expect(first.analysis.caption).toBe(perfectAnalysis("1", size).caption);
    expect(first.repairs).toEqual([]);
    expect(first.analysis.repairs).toEqual([]);
    expect(aiAnalysisSchema.safeParse(first.analysis).success).toBe(true);
  });

  it("records repairs both on the outcome and on the stored analysis", () => {
    const [o] = parseBatchAnswer(answer([entry(1, { hashtags: ["golden hour"] })]), [photo("a")]);
    const a = ai(o);
    expect(a.repairs).toEqual(["1 hashtag normalised"]);
    expect(a.analysis.repairs).toEqual(["1 hashtag normalised"]);
  });

  it("fails only the photo whose entry is missing, repeated or unusable", () => {
    // Fewer entries than photos: the indexes are all there is to go by.
    const out = parseBatchAnswer(answer([entry(1), entry(1), entry(3, { caption: "   " }), entry(5)]), [...batch, photo("d"), photo("e")]);
    expect(out[0]).toMatchObject({ photoId: "a", ok: false, error: expect.stringContaining("2 times") });
    expect(out[1]).toMatchObject({ photoId: "b", ok: false, error: expect.stringContaining("no answer for photo 2") });
    expect(out[2]).toMatchObject({ photoId: "c", ok: false, error: "Unusable answer for photo 3 of 5: caption is empty." });
    expect(out[3]).toMatchObject({ photoId: "d", ok: false });
    expect(out[4]!.ok).toBe(true);
  });

  it("one entry per photo with missing or repeated indexes: matched by order, noted", () => {
    const out = parseBatchAnswer(answer([entry(undefined), entry(2), entry(2)]), batch);
    expect(oks(out)).toEqual([true, true, true]);
    expect(ai(out[0]).repairs[0]).toBe("matched to photo 1 by order (it had no index)");
    expect(ai(out[1]).repairs).toEqual([]);
    expect(ai(out[2]).repairs[0]).toBe("matched to photo 3 by order (its index was 2)");
    expect(ai(out[2]).analysis.caption).toBe(perfectAnalysis("2", size).caption);
  });

  it("reads an index given as a numeral string", () => {
    const out = parseBatchAnswer(answer([{ ...entry(2), index: "2" }, entry(1)]), [photo("a"), photo("b")]);
    expect(ai(out[1]).analysis.caption).toBe(perfectAnalysis("2", size).caption);
    expect(ai(out[1]).repairs).toEqual([]);
  });

  it("ignores entries whose index is outside the batch when there are more entries than photos", () => {
    const out = parseBatchAnswer(answer([entry(1), entry(7)]), [photo("a")]);
    expect(out).toHaveLength(1);
    expect(ai(out[0]).repairs).toEqual([]);
  });

  it("a fewer-entries answer fails only the unanswered photo", () => {
    expect(oks(parseBatchAnswer(answer([entry(1), entry(2)]), batch))).toEqual([true, true, false]);
  });

  it("accepts a ```json fenced answer, text before the JSON and text after it", () => {
    const text = answer([entry(1), entry(2)]);
    for (const t of ["```json\n" + text + "\n```", "Here you go:\n" + text, text + "\nHope this helps! {", text + "}}]"]) {
      expect(oks(parseBatchAnswer(t, [photo("a"), photo("b")])), t.slice(0, 20)).toEqual([true, true]);
    }
  });

  it("keeps every complete entry of a cut-off answer and fails only the photos cut off", () => {
    const full = answer([entry(1), entry(2), entry(3)]);
    const secondEnds = answer([entry(1), entry(2)]).length - 2; // the prefix up to the '}' that closes entry 2
    for (const [cut, expected] of [
      [secondEnds + 1, [true, true, false]],
      [secondEnds, [true, true, false]],
      [secondEnds - 1, [true, false, false]],
      [full.length - 2, [true, true, true]],
      [full.length - 1, [true, true, true]],
    ] as const) {
      const out = parseBatchAnswer(full.slice(0, cut), batch, { stopLength: true });
      expect(oks(out), `cut at ${cut}`).toEqual(expected);
    }
    const out = parseBatchAnswer(full.slice(0, secondEnds + 1), batch, { stopLength: true });
    expect(out[2]).toMatchObject({ ok: false, error: 'The model\'s answer was cut off (stop reason "length") before its entry for photo 3 of 3.' });
    expect(parseBatchAnswer("```json\n" + full.slice(0, secondEnds + 1), batch)[2]).toMatchObject({
      error: "The model's answer was cut off before its entry for photo 3 of 3.",
    });
  });

  it("stopped at the token limit before one entry was complete: every photo fails on its own, nothing is thrown", () => {
    const full = answer([entry(1), entry(2)]);
    const out = parseBatchAnswer(full.slice(0, 40), [photo("a"), photo("b")], { stopLength: true });
    expect(out).toEqual([
      { photoId: "a", ok: false, error: 'The model\'s answer was cut off (stop reason "length") before its entry for photo 1 of 2.' },
      { photoId: "b", ok: false, error: 'The model\'s answer was cut off (stop reason "length") before its entry for photo 2 of 2.' },
    ]);
  });

  it("a cut-off prefix with broken indexes is matched by order, like the whole answer would be", () => {
    const full = answer([entry(1), entry(1), entry(1)]);
    const out = parseBatchAnswer(full.slice(0, answer([entry(1), entry(1)]).length - 1), batch);
    expect(oks(out)).toEqual([true, true, false]);
    expect(ai(out[1]).repairs[0]).toBe("matched to photo 2 by order (its index was 1)");
  });

  it("throws a retryable invalid_answer when not one entry can be read", () => {
    for (const text of ['{"photos": [{"index": 1', "Sure! Here you go", '{"results": []}', "null", '{"results": []} trailing', ""]) {
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

  it("an entry that is not an object fails its photo only", () => {
    const out = parseBatchAnswer(answer([entry(1), "photo two"]), [photo("a"), photo("b")]);
    expect(out[0]!.ok).toBe(true);
    expect(out[1]).toMatchObject({ ok: false, error: expect.stringContaining("Unusable answer for photo 2 of 2") });
  });
});
