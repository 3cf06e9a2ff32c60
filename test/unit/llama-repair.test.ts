// Each repair of the answer contract on its own: what is changed, what is
// noted, and that the result always satisfies the strict schema.
import { describe, expect, it } from "vitest";
import { cutText, fitsRatio, matchCategory, repairEntry } from "@/lib/llama/repair";
import { aiAnalysisSchema, type AiAnalysis } from "@/lib/llama/types";
import { parseStoredAnalysis } from "@/lib/organize/analysis";
import { perfectAnalysis } from "@/test/helpers/analysis";

const size = { width: 1000, height: 800 };
const base = perfectAnalysis("1", size);

function repaired(over: Record<string, unknown>, at = size) {
  const r = repairEntry({ ...base, ...over }, at);
  if (!r.ok) throw new Error(r.error);
  expect(aiAnalysisSchema.safeParse(r.analysis).success, JSON.stringify(r.analysis)).toBe(true);
  // Repairing a repaired analysis changes nothing.
  const again = repairEntry(r.analysis, at);
  expect(again.ok && again.repairs, "second repair").toEqual([]);
  return r;
}

function refused(over: Record<string, unknown>): string {
  const r = repairEntry({ ...base, ...over }, size);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.analysis)}`);
  return r.error;
}

describe("repairEntry", () => {
  it("changes nothing in a perfect answer", () => {
    const r = repaired({});
    expect(r.repairs).toEqual([]);
    expect(r.analysis).toEqual(base);
  });

  it("ignores unknown fields, also inside the crops", () => {
    const r = repaired({ mood: "calm", crops: { ...base.crops, "9:16": { x: 0, y: 0, width: 1, height: 1 } }, index: 4 });
    expect(r.repairs).toEqual([]);
    expect(Object.keys(r.analysis).sort()).toEqual(Object.keys(base).sort());
    expect(Object.keys(r.analysis.crops).sort()).toEqual(["1.91:1", "1:1", "4:5"]);
  });

  describe("crops", () => {
    it("a box past the edge is moved inside the image, then re-fitted to its ratio in pixels", () => {
      const r = repaired({ crops: { ...base.crops, "1:1": { x: 0.5, y: 0, width: 0.9, height: 1 } } });
      expect(r.repairs).toEqual(["crop 1:1 moved inside the image", "crop 1:1 re-fitted to 1:1 (it was 1.13:1 in pixels)"]);
      // 900x800 px at x 100-1000: the 1:1 box covering it is the image's full height, centred on it.
      expect(r.analysis.crops["1:1"]).toEqual({ x: 0.15, y: 0, width: 0.8, height: 1 });
    });

    it("a box of the wrong ratio inside the image is re-fitted around the same centre", () => {
      const r = repaired({ crops: { ...base.crops, "4:5": { x: 0.1, y: 0.1, width: 0.3, height: 0.3 } } });
      expect(r.repairs).toEqual(["crop 4:5 re-fitted to 4:5 (it was 1.25:1 in pixels)"]);
      const box = r.analysis.crops["4:5"];
      expect(fitsRatio(box, "4:5", size)).toBe(true);
      // Covers the 300x240 px box: 300 px wide, 375 px high, centred on (250, 200): top 12.5 -> 13 px.
      expect(box).toEqual({ x: 0.1, y: 13 / 800, width: 0.3, height: 375 / 800 });
    });

    it("the ratio is in pixels: 0.6 x 1 of a 4:3 image is 4:5 and is kept", () => {
      const wide = { width: 1200, height: 900 };
      const r = repairEntry({ ...perfectAnalysis("2", wide), crops: { ...perfectAnalysis("2", wide).crops, "4:5": { x: 0.2, y: 0, width: 0.6, height: 1 } } }, wide);
      if (!r.ok) throw new Error(r.error);
      expect(r.repairs).toEqual([]);
      expect(r.analysis.crops["4:5"]).toEqual({ x: 0.2, y: 0, width: 0.6, height: 1 });
    });

    it("without the image size a box is only moved inside", () => {
      const r = repaired({ crops: { ...base.crops, "1:1": { x: 0.5, y: 0.5, width: 0.9, height: 0.2 } } }, { width: 0, height: 0 });
      expect(r.repairs.filter((n) => n.startsWith("crop 1:1"))).toEqual(["crop 1:1 moved inside the image"]);
      expect(r.analysis.crops["1:1"].x).toBeCloseTo(0.1, 10);
    });

    it("a missing or empty box becomes the centred crop of its ratio", () => {
      const r = repaired({ crops: { "4:5": base.crops["4:5"], "1.91:1": { x: 0, y: 0, width: 0, height: 0.5 } } });
      expect(r.repairs).toEqual(["crop 1:1 missing: centred crop used", "crop 1.91:1 had no area: centred crop used"]);
      const c = r.analysis.crops["1:1"];
      expect([c.x, c.y, c.width, c.height].map((v) => v.toFixed(9))).toEqual(["0.100000000", "0.000000000", "0.800000000", "1.000000000"]);
      expect(fitsRatio(r.analysis.crops["1.91:1"], "1.91:1", size)).toBe(true);
      expect(repaired({ crops: undefined }).repairs).toHaveLength(3);
    });

    it("a box a hair past the edge (within the schema's tolerance) is pulled in without a note", () => {
      const r = repaired({ crops: { ...base.crops, "4:5": { ...base.crops["4:5"], x: 1 - base.crops["4:5"].width + 0.00005 } } });
      expect(r.repairs).toEqual([]);
      expect(r.analysis.crops["4:5"].x + r.analysis.crops["4:5"].width).toBeLessThanOrEqual(1);
    });
  });

  describe("hashtags", () => {
    it("normalises spaces, hyphens, emoji and '#'s, drops empty and duplicate ones (any case)", () => {
      const r = repaired({ hashtags: ["#golden hour", "sun-set", "🌅beach", "##Beach", "BEACH", "", "#", "#a #b"] });
      expect(r.analysis.hashtags).toEqual(["#goldenhour", "#sunset", "#beach", "#a", "#b"]);
      expect(r.repairs).toEqual(["4 hashtags normalised", "2 empty hashtags dropped", "2 duplicate hashtags dropped"]);
    });

    it("adding a missing '#' is the stored form, not a repair", () => {
      const r = repaired({ hashtags: ["sunset", "#beach", "café_life"] });
      expect(r.analysis.hashtags).toEqual(["#sunset", "#beach", "#café_life"]);
      expect(r.repairs).toEqual([]);
    });

    it("keeps Instagram's 5 and says how many there were", () => {
      const r = repaired({ hashtags: ["a", "b", "c", "d", "e", "f", "g"] });
      expect(r.analysis.hashtags).toEqual(["#a", "#b", "#c", "#d", "#e"]);
      expect(r.repairs).toEqual(["hashtags cut from 7 to 5"]);
    });

    it("a missing list is empty, a single string is read as hashtags, a non-string item is dropped", () => {
      expect(repaired({ hashtags: undefined }).repairs).toEqual(["hashtags missing: none kept"]);
      const r = repaired({ hashtags: "#sea #sky" });
      expect(r.analysis.hashtags).toEqual(["#sea", "#sky"]);
      expect(repaired({ hashtags: ["#sea", 7] }).repairs).toEqual(["1 empty hashtag dropped"]);
    });

    it("a very long hashtag is cut to the limit", () => {
      const r = repaired({ hashtags: ["x".repeat(150)] });
      expect(r.analysis.hashtags[0]).toHaveLength(100);
      expect(r.repairs).toEqual(["1 hashtag normalised"]);
    });
  });

  describe("text", () => {
    it("cuts an over-long caption at a word boundary and says so", () => {
      const caption = "word ".repeat(500).trim(); // 2,499 characters
      const r = repaired({ caption });
      expect(r.analysis.caption.length).toBeLessThanOrEqual(2200);
      expect(r.analysis.caption.endsWith("word")).toBe(true);
      expect(r.repairs).toEqual(["caption cut to 2,200 characters"]);
    });

    it("cuts long alt text to 250 at a word boundary", () => {
      const r = repaired({ altText: "A long description of a harbour ".repeat(12) });
      expect(r.analysis.altText.length).toBeLessThanOrEqual(250);
      expect(r.analysis.altText).toMatch(/\w$/);
      expect(r.repairs).toEqual(["altText cut to 250 characters"]);
    });

    it("trims surrounding whitespace without a note", () => {
      const r = repaired({ description: "  A harbour.  " });
      expect(r.analysis.description).toBe("A harbour.");
      expect(r.repairs).toEqual([]);
    });

    it("never cuts inside a character made of two UTF-16 units", () => {
      expect(cutText("😀".repeat(1200), 2201)).toHaveLength(2200);
      expect(cutText("abcdefghij klm", 12)).toBe("abcdefghij");
      expect(cutText("abc def", 5)).toBe("abc d"); // no space in the last fifth: a hard cut
      expect(cutText("abcdefgh", 5)).toBe("abcde");
    });

    it("refuses an answer whose required text is missing or blank, naming it", () => {
      expect(refused({ description: " ", altText: "" })).toBe("description, altText are empty");
      expect(refused({ caption: undefined })).toBe("caption is missing");
      expect(refused({ quality: { score: 5 } })).toBe("quality.reason is missing");
      expect(refused({ instagram: { score: "high", reason: "x" } })).toContain("instagram.score");
    });
  });

  describe("category", () => {
    it("matches case, singular/plural and common synonyms; anything else is 'other', noted", () => {
      expect(repaired({ category: "Animal" })).toMatchObject({ analysis: { category: "animals" }, repairs: ['category "Animal" taken as "animals"'] });
      expect(repaired({ category: "FOOD" }).analysis.category).toBe("food");
      expect(repaired({ category: "Landscapes" }).analysis.category).toBe("landscape");
      expect(repaired({ category: "selfie" }).analysis.category).toBe("portrait");
      expect(repaired({ category: "street art" }).repairs).toEqual(['unknown category "street art" taken as "other"']);
      expect(matchCategory("night")).toEqual({ category: "night", exact: true });
    });

    it("refuses an answer without a usable category", () => {
      expect(refused({ category: "  " })).toBe("category is empty");
      expect(refused({ category: 3 })).toContain("category");
    });
  });

  describe("numbers and lists", () => {
    it("clamps scores into 0-10", () => {
      const r = repaired({ quality: { score: 11, reason: "x" }, instagram: { score: -1, reason: "y" } });
      expect([r.analysis.quality.score, r.analysis.instagram.score]).toEqual([10, 0]);
      expect(r.repairs).toEqual(["quality score 11 clamped to 10", "instagram score -1 clamped to 0"]);
    });

    it("cuts tags to 20, drops empty and duplicate ones, cuts long ones", () => {
      const tags = [...Array.from({ length: 24 }, (_, i) => `t${i}`), "T1", " ", "x".repeat(60)];
      const r = repaired({ tags });
      expect(r.analysis.tags).toHaveLength(20);
      expect(r.repairs).toEqual(["2 empty or duplicate tags dropped", "1 tag cut to 40 characters", "tags cut from 25 to 20"]);
    });

    it("keeps known problems once, in any case, and drops the rest", () => {
      const r = repaired({ problems: ["Blur", "blur", "glare", "low resolution"] });
      expect(r.analysis.problems).toEqual(["blur", "low_resolution"]);
      expect(r.repairs).toEqual(["2 unknown or repeated problems dropped"]);
    });
  });
});

describe("stored analyses stay readable", () => {
  const ai = { source: "ai", ...base };
  it("a row from prompt p1 with 30 hashtags (some without '#') and long alt text is read, not dropped", () => {
    const old = { ...ai, hashtags: Array.from({ length: 30 }, (_, i) => (i % 2 ? `#tag${i}` : `tag${i}`)), altText: "a".repeat(900) };
    expect(parseStoredAnalysis(old)).toMatchObject({ source: "ai", hashtags: old.hashtags });
  });
  it("a row with repair notes is read with them", () => {
    const row = { ...ai, repairs: ["crop 1:1 moved inside the image"] } satisfies { repairs: string[] } & AiAnalysis & { source: string };
    expect(parseStoredAnalysis(row)).toMatchObject({ repairs: ["crop 1:1 moved inside the image"] });
  });
});
