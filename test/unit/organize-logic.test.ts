import { describe, expect, it } from "vitest";
import { EMPTY_COUNTS } from "@/lib/analysis/progress";
import { setActivity } from "@/lib/runs/dashboard";
import { suggestCarousel } from "@/lib/organize/carousel";
import { effectiveText, normalizeHashtags } from "@/lib/organize/effective";
import { chooseKeeperOf, rankKeepers, suggestKeeper } from "@/lib/organize/keeper";
import { parseStoredAnalysis } from "@/lib/organize/analysis";
import { categoryAlbumName } from "@/lib/organize/refresh";
import type { StoredAnalysis } from "@/lib/llama/types";

const box = { x: 0, y: 0, width: 1, height: 1 };
const ai: StoredAnalysis = {
  source: "ai",
  description: "A beach at sunset",
  category: "landscape",
  tags: ["beach", "sunset"],
  quality: { score: 8, reason: "sharp" },
  instagram: { score: 9, reason: "warm colours" },
  caption: "Golden hour",
  hashtags: ["sunset", "#beach"],
  altText: "Waves under an orange sky",
  crops: { "4:5": box, "1:1": box, "1.91:1": box },
  problems: [],
};
const local: StoredAnalysis = { source: "local", quality: { score: 5, reason: "measured" }, problems: ["blur"], crops: { "4:5": box, "1:1": box, "1.91:1": box } };
const noEdits = { userCaption: null, userHashtags: [], userCategory: null };

describe("effectiveText", () => {
  it("uses the model's answer when nobody edited", () => {
    const e = effectiveText(noEdits, ai);
    expect(e).toMatchObject({ aiAnalysed: true, caption: "Golden hour", category: "landscape", altText: "Waves under an orange sky" });
    expect(e.hashtags).toEqual(["#sunset", "#beach"]);
    // Instagram's 5 per post: an older answer's (or edit's) longer list is cut for every post prepared from it.
    const many = Array.from({ length: 30 }, (_, i) => `#tag${i}`);
    expect(effectiveText({ userCaption: null, userHashtags: [], userCategory: null }, { ...ai, hashtags: many }).hashtags).toEqual(many.slice(0, 5));
    expect(effectiveText({ userCaption: null, userHashtags: many, userCategory: null }, ai).hashtags).toHaveLength(5);
    expect(e.edited).toEqual({ caption: false, hashtags: false, category: false });
  });
  it("a person's edit wins over the model's answer", () => {
    const e = effectiveText({ userCaption: "Mine", userHashtags: ["#mine"], userCategory: "travel" }, ai);
    expect(e).toMatchObject({ caption: "Mine", hashtags: ["#mine"], category: "travel" });
    expect(e.edited).toEqual({ caption: true, hashtags: true, category: true });
  });
  it("never invents a caption for a local (not AI) analysis", () => {
    const e = effectiveText(noEdits, local);
    expect(e).toMatchObject({ aiAnalysed: false, caption: null, altText: null, category: null, hashtags: [] });
  });
  it("keeps an edit on a photo without analysis", () => {
    expect(effectiveText({ ...noEdits, userCaption: "x" }, null).caption).toBe("x");
  });
});

describe("normalizeHashtags", () => {
  it("adds one #, splits on commas and spaces, drops junk and case-insensitive duplicates", () => {
    expect(normalizeHashtags("beach, #Sunset  ##golden_hour #beach é-t-é")).toEqual(["#beach", "#Sunset", "#golden_hour", "#été"]);
    expect(normalizeHashtags(["#a", "A", "", "#"])).toEqual(["#a"]);
  });
});

describe("parseStoredAnalysis", () => {
  it("accepts both kinds and refuses malformed rows", () => {
    expect(parseStoredAnalysis(ai)?.source).toBe("ai");
    expect(parseStoredAnalysis(local)?.source).toBe("local");
    expect(parseStoredAnalysis({ ...ai, caption: undefined })).toBeNull();
    expect(parseStoredAnalysis({ source: "other" })).toBeNull();
    expect(parseStoredAnalysis(null)).toBeNull();
  });
});

const cand = (
  id: string,
  o: Partial<{ instagramScore: number | null; qualityScore: number | null; sharpness: number | null; width: number; height: number; mimeType: string; state: string }> = {},
) => ({
  id,
  instagramScore: null,
  qualityScore: null,
  sharpness: null,
  width: 100,
  height: 100,
  ...o,
});

describe("the keeper rule", () => {
  it("keeps the copy with the most pixels, whatever a downscaled copy scores or measures (issue 14: yellowflower.gif, Elephants.jpg)", () => {
    const gif = cand("a-gif", { width: 640, height: 400, mimeType: "image/gif", instagramScore: 8, sharpness: 900 });
    const jpeg = cand("b-jpg", { width: 2560, height: 1600, mimeType: "image/jpeg", instagramScore: 7, sharpness: 120 });
    expect(chooseKeeperOf([gif, jpeg])).toEqual({ keeperId: "b-jpg", reason: "16x the pixels" });
    const small = cand("a", { width: 1920, height: 1080, qualityScore: 9, sharpness: 400 });
    const large = cand("b", { width: 3840, height: 2160, qualityScore: 6, sharpness: 100 });
    expect(chooseKeeperOf([small, large])).toEqual({ keeperId: "b", reason: "4x the pixels" });
  });
  it("prefers a full-colour format to GIF at a similar size, then the score, then sharpness", () => {
    const gif = cand("a", { width: 1000, height: 800, mimeType: "image/gif", instagramScore: 9 });
    const png = cand("b", { width: 1000, height: 800, mimeType: "image/png", instagramScore: 5 });
    expect(chooseKeeperOf([gif, png])).toEqual({ keeperId: "b", reason: "PNG, not GIF" });
    expect(chooseKeeperOf([cand("a", { instagramScore: 6 }), cand("b", { instagramScore: 8 })])).toEqual({ keeperId: "b", reason: "higher score (8.0 vs 6.0)" });
    expect(chooseKeeperOf([cand("a", { instagramScore: 8, sharpness: 1 }), cand("b", { instagramScore: 8, sharpness: 3 })])?.reason).toBe("sharper");
    // Within the size band a burst's better shot wins on score, not on 10% more pixels.
    expect(suggestKeeper([cand("a", { width: 110, height: 100, qualityScore: 3 }), cand("b", { qualityScore: 7 })])).toBe("b");
  });
  it("never keeps a failed copy over a usable one, and is stable on ties", () => {
    const failedBig = cand("a", { width: 4000, height: 3000, state: "FAILED" });
    const ok = cand("b", { state: "ANALYZED" });
    expect(chooseKeeperOf([failedBig, ok])).toEqual({ keeperId: "b", reason: "the other copy could not be analysed" });
    expect(suggestKeeper([cand("b"), cand("a")])).toBe("a");
    expect(suggestKeeper([])).toBeNull();
    expect(chooseKeeperOf([cand("a")])).toEqual({ keeperId: "a", reason: null });
  });
  it("ranks every copy by the same rule (the order Best picks and fast mode rely on)", () => {
    const ranked = rankKeepers([
      cand("tiny", { width: 50, height: 50, qualityScore: 10 }),
      cand("big-low", { width: 1000, height: 1000, qualityScore: 2 }),
      cand("big-high", { width: 900, height: 900, qualityScore: 5 }),
      cand("broken", { width: 5000, height: 5000, state: "FAILED" }),
    ]).map((c) => c.id);
    expect(ranked).toEqual(["big-high", "big-low", "tiny", "broken"]);
  });
});

describe("suggestCarousel", () => {
  it("puts the best photo first, then the rest as taken, at most 20 (Instagram's carousel since 2025)", () => {
    const t = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
    const photos = Array.from({ length: 22 }, (_, i) => ({ id: `p${i}`, instagramScore: i, qualityScore: null, takenAt: t(22 - i) }));
    const order = suggestCarousel(photos);
    expect(order).toHaveLength(20);
    expect(order[0]).toBe("p21");
    // the next nineteen best (p2..p20), ordered by takenAt ascending = score descending here
    expect(order.slice(1)).toEqual(Array.from({ length: 19 }, (_, i) => `p${20 - i}`));
  });
  it("puts undated photos after dated ones", () => {
    const order = suggestCarousel([
      { id: "a", instagramScore: 9, qualityScore: null, takenAt: null },
      { id: "b", instagramScore: 8, qualityScore: null, takenAt: null },
      { id: "c", instagramScore: 1, qualityScore: null, takenAt: new Date(0) },
    ]);
    expect(order).toEqual(["a", "c", "b"]);
  });
});

describe("categoryAlbumName", () => {
  it("names category albums", () => {
    expect(categoryAlbumName("landscape")).toBe("Landscape");
    expect(categoryAlbumName(null)).toBe("Uncategorized");
  });
});

describe("dashboard activity badge", () => {
  const counts = (c: Partial<Record<keyof typeof EMPTY_COUNTS, number>>) => ({ ...EMPTY_COUNTS, ...c });
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  it("reads the work left, not only the set's status", () => {
    const queued = counts({ QUEUED: 3, ANALYZED: 2 });
    // Uploads start analysis by themselves: an IDLE set with queued photos is analysing.
    expect(setActivity("IDLE", queued, total(queued))).toBe("analysing");
    expect(setActivity("RUNNING", queued, total(queued))).toBe("analysing");
    const finished = counts({ ANALYZED: 4, FAILED: 1 });
    expect(setActivity("RUNNING", finished, total(finished))).toBe("done");
    const processing = counts({ PROCESSING: 1, ANALYZED: 1 });
    expect(setActivity("IDLE", processing, total(processing))).toBe("preparing");
    expect(setActivity("IDLE", counts({}), 0)).toBe("empty");
  });
  it("a person's pause or cancel wins over the work left", () => {
    const queued = counts({ QUEUED: 3 });
    expect(setActivity("PAUSED", queued, 3)).toBe("paused");
    expect(setActivity("CANCELLED", queued, 3)).toBe("cancelled");
  });
});
