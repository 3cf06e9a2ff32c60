// The answer contract as a property: every answer the JSON Schema we send
// allows is accepted, and so are the imperfect answers real models give
// (crops past the edge, untidy hashtags, wrong-case categories, extra fields,
// over-long lists and strings, missing indexes, answers cut off). 10,000
// answers are drawn from the exact schema sent (batchJsonSchema(n)) by
// json-schema-faker, seeded, so a failure reproduces.
//
// Strings: json-schema-faker writes only [A-Za-z0-9], one array spread per
// character (about 80% of its time on this schema). Its keyword extension
// for "maxLength" - every string of the schema has one - writes them instead,
// from its own seeded random, with the length JSON Schema means (code points)
// and the characters models write: spaces, punctuation, '#', '-', accents,
// CJK and emoji. The one schema-valid answer the contract refuses is required
// text made only of whitespace (docs/decisions/018-answer-contract.md), so a
// string never starts with a space here.
import { createGeneratorSync, define, reset } from "json-schema-faker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBatchAnswer } from "@/lib/llama/answer";
import { batchJsonSchema } from "@/lib/llama/prompt";
import type { PhotoInput, PhotoOutcome } from "@/lib/llama/provider";
import { fitsRatio, repairEntry } from "@/lib/llama/repair";
import { aiAnalysisSchema, INSTAGRAM_RATIOS } from "@/lib/llama/types";
import { createRng } from "@/test/llama-server/rng";

const ANSWERS = Number(process.env.CONTRACT_ANSWERS ?? 10_000);
const BATCH_SIZES = [1, 2, 3, 5, 8];
// Landscape, portrait, square, panorama, tiny, and unknown (the engine passes 0 when the pipeline had no size).
const SIZES = [
  { width: 1024, height: 768 },
  { width: 768, height: 1024 },
  { width: 896, height: 896 },
  { width: 1024, height: 300 },
  { width: 40, height: 31 },
  { width: 0, height: 0 },
];

const FIRST = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éüñçßø日本語カフェ🌅🐶😀#-."];
const ANY = [...FIRST, " ", " ", " ", " ", "_", ",", "!", "'", "\"", "\\", "\n", "\u00a0"];
interface Random {
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
}

beforeAll(() => {
  define("maxLength", (max: unknown, schema: { minLength?: number }, ctx: { random: Random }) => {
    const length = ctx.random.int(schema.minLength ?? 0, max as number);
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(ctx.random.pick(i === 0 ? FIRST : ANY));
    return out.join("");
  });
});
afterAll(() => reset("maxLength"));

type Entry = Record<string, unknown>;
type Answer = { photos: Entry[] };

function batchOf(n: number, seed: number): PhotoInput[] {
  return Array.from({ length: n }, (_, i) => {
    const size = SIZES[(seed + i) % SIZES.length]!;
    return { id: `p${i}`, contentHash: `h${i}`, jpeg: Buffer.alloc(0), ...size, sharpness: null, brightness: null };
  });
}

const strictAnalysis = aiAnalysisSchema.strict();

/**
 * Everything the contract promises about an accepted photo. Plain checks, not
 * expect(): this runs some 100,000 times.
 */
function checkAccepted(o: PhotoOutcome, photo: PhotoInput): void {
  const fail = (why: string) => {
    throw new Error(`${why}: ${JSON.stringify(o)}`);
  };
  if (!o.ok || o.analysis.source !== "ai") return fail("not accepted");
  const { source: _source, repairs, ...analysis } = o.analysis;
  if (repairs !== o.repairs) fail("the outcome's repairs are not the analysis's");
  const strict = strictAnalysis.safeParse(analysis);
  if (!strict.success) fail(`the repaired analysis breaks the strict schema (${strict.error.message})`);
  const size = { width: photo.width, height: photo.height };
  for (const r of INSTAGRAM_RATIOS) {
    const b = analysis.crops[r];
    if (b.x + b.width > 1 + 1e-9 || b.y + b.height > 1 + 1e-9) fail(`crop ${r} leaves the image`);
    if (size.width > 0 && !fitsRatio(b, r, size)) fail(`crop ${r} is not ${r} in ${size.width}x${size.height} px`);
  }
  // Repaired once is repaired for good.
  const again = repairEntry(analysis, size);
  if (!again.ok || again.repairs.length > 0) fail(`a second repair changed it again (${JSON.stringify(again)})`);
}

const hashtagMess = [(w: string) => `${w} ${w}`, (w: string) => `${w}-x`, (w: string) => `🌅${w}`, (w: string) => `##${w}`, (w: string) => `#${w}!`];

/** A copy of a schema-valid answer with the imperfections real models give, chosen by `rng`. */
function imperfect(answer: Answer, rng: () => number): Answer {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)]!;
  const photos = answer.photos.map((e): Entry => {
    const out: Entry = structuredClone(e);
    const crops = out.crops as Record<string, Entry>;
    if (rng() < 0.5) {
      const box = crops[pick(INSTAGRAM_RATIOS)]!;
      box.x = Math.min(1, (box.x as number) + 0.5); // past the right edge, still within the schema
    }
    if (rng() < 0.5) {
      const tags = out.hashtags as string[];
      out.hashtags = [...tags.map((t, i) => (i % 2 ? pick(hashtagMess)(t || "tag") : t)), "", "#"];
    }
    if (rng() < 0.5) out.category = rng() < 0.5 ? String(out.category).toUpperCase() : ` ${String(out.category)} `;
    if (rng() < 0.5) {
      out.mood = "calm";
      (out.quality as Entry).confidence = 0.9;
      crops["9:16"] = { x: 0, y: 0, width: 1, height: 1 };
    }
    if (rng() < 0.3) {
      out.tags = Array.from({ length: 30 }, (_, i) => `tag${i}`);
      out.hashtags = Array.from({ length: 12 }, (_, i) => `#h${i}`);
      out.caption = `${String(out.caption)} ${"more words ".repeat(300)}`;
      out.altText = `${String(out.altText)} ${"described ".repeat(40)}`;
    }
    if (rng() < 0.2) (out.instagram as Entry).score = 12;
    return out;
  });
  // Every entry loses its index: matched by order.
  if (rng() < 0.3) for (const p of photos) delete p.index;
  return { photos };
}

/** How many entries of `answer` are complete in its JSON text cut at `cut`. */
function completeEntries(answer: Answer, cut: number): number {
  let end = '{"photos":['.length;
  let complete = 0;
  answer.photos.forEach((e, i) => {
    end += (i > 0 ? 1 : 0) + JSON.stringify(e).length;
    if (end <= cut) complete += 1;
  });
  return complete;
}

describe("answer contract", () => {
  it(`accepts ${ANSWERS.toLocaleString("en-US")} schema-valid answers, their imperfect variants and every complete entry of their cut-off texts`, () => {
    const gen = createGeneratorSync({ seed: 12 });
    const rng = createRng(12);
    const totals = { answers: 0, unicodeAnswers: 0, photos: 0, repairedImperfect: 0, truncations: 0, keptFromTruncations: 0 };
    for (let i = 0; i < ANSWERS; i++) {
      const n = BATCH_SIZES[i % BATCH_SIZES.length]!;
      const batch = batchOf(n, i);
      const answer = gen.generate(batchJsonSchema(n)) as Answer;
      if (answer.photos.length !== n) throw new Error(`the generator broke the schema: ${answer.photos.length} entries for ${n}`);
      const text = JSON.stringify(answer);
      if (/[\u0080-\uFFFF]/.test(text) && text.includes(" ")) totals.unicodeAnswers += 1;

      // 1. Exactly as generated: never a throw, every photo accepted.
      const out = parseBatchAnswer(text, batch);
      out.forEach((o, j) => checkAccepted(o, batch[j]!));
      totals.answers += 1;
      totals.photos += n;

      // 2. Imperfect but repairable: every photo accepted, and the imperfections noted.
      const messy = imperfect(answer, rng);
      const messyOut = parseBatchAnswer(JSON.stringify(messy), batch);
      messyOut.forEach((o, j) => checkAccepted(o, batch[j]!));
      totals.repairedImperfect += messyOut.filter((o) => o.ok && o.repairs.length > 0).length;

      // 3. Cut off at the token limit: every complete entry kept, only the rest fail.
      const messyText = JSON.stringify(messy);
      const cut = Math.floor(rng() * messyText.length);
      const cutOut = parseBatchAnswer(messyText.slice(0, cut), batch, { stopLength: true });
      const complete = completeEntries(messy, cut);
      const kept = cutOut.filter((o) => o.ok).length;
      if (kept !== complete) throw new Error(`cut at ${cut} of ${messyText.length}: ${kept} photos kept, ${complete} entries complete`);
      cutOut.forEach((o, j) => {
        if (o.ok) checkAccepted(o, batch[j]!);
        else if (!o.error.includes('stop reason "length"')) throw new Error(`unexpected failure: ${o.error}`);
      });
      totals.truncations += 1;
      totals.keptFromTruncations += complete;
    }
    expect(totals.answers).toBe(ANSWERS);
    // The string extension was in use: the answers held spaces and characters beyond ASCII.
    expect(totals.unicodeAnswers).toBeGreaterThan(ANSWERS / 2);
    // The imperfections were really there: most messy photos needed a repair.
    expect(totals.repairedImperfect).toBeGreaterThan(totals.photos / 2);
    expect(totals.keptFromTruncations).toBeGreaterThan(totals.photos / 3);
  }, 600_000);

  it("answers with trailing text, after a sentence or in a fence are read whole", () => {
    const gen = createGeneratorSync({ seed: 99 });
    for (let i = 0; i < 200; i++) {
      const n = BATCH_SIZES[i % BATCH_SIZES.length]!;
      const text = JSON.stringify(gen.generate(batchJsonSchema(n)));
      const batch = batchOf(n, i);
      for (const t of [`${text}\n\nLet me know if you need anything else.`, "```json\n" + text + "\n```", `Here it is: ${text}`]) {
        parseBatchAnswer(t, batch).forEach((o, j) => checkAccepted(o, batch[j]!));
      }
    }
  }, 60_000);
});
