import { describe, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { createProvider, type PhotoInput } from "@/lib/llama";
import { centredCrop, localAnalysis } from "@/lib/llama/local";
import { cropBoxSchema } from "@/lib/llama/types";

const cfg = resolveConfig({ env: {} });
const t = cfg.fastMode;
const photo = (over: Partial<PhotoInput> = {}): PhotoInput => ({
  id: "p",
  contentHash: "h",
  jpeg: Buffer.alloc(0),
  width: 4000,
  height: 3000,
  sharpness: t.minSharpness * 3,
  brightness: 0.5,
  ...over,
});

describe("local provider", () => {
  it("is chosen without a key, uses no network and never produces a caption, description or hashtags", async () => {
    const p = createProvider(cfg);
    expect(p).toMatchObject({ name: "local", usesNetwork: false });
    expect(p.estimateTokens([photo()])).toBe(0);
    const res = await p.analyze([photo({ id: "a" }), photo({ id: "b", sharpness: null, brightness: null })], { signal: new AbortController().signal });
    expect(res.outcomes.map((o) => o.photoId)).toEqual(["a", "b"]);
    for (const o of res.outcomes) {
      if (!o.ok) throw new Error("local analysis cannot fail");
      expect(o.analysis.source).toBe("local");
      expect(Object.keys(o.analysis).sort()).toEqual(["crops", "problems", "quality", "source", "tags"]);
      expect(o.analysis).toMatchObject({ tags: [] });
      expect(JSON.stringify(o.analysis)).not.toMatch(/caption|description|hashtag/i);
    }
  });

  it("tags a group photo (3 or more faces) from the face stage's count, and nothing else", () => {
    expect(localAnalysis(photo({ faceCount: 3 }), t)).toMatchObject({ tags: ["group"] });
    expect(localAnalysis(photo({ faceCount: 7 }), t)).toMatchObject({ tags: ["group"] });
    for (const faceCount of [undefined, null, 0, 1, 2]) expect(localAnalysis(photo({ faceCount }), t).tags, String(faceCount)).toEqual([]);
  });

  it("names problems from the fast-mode thresholds and explains the score", () => {
    expect(localAnalysis(photo(), t).problems).toEqual([]);
    expect(localAnalysis(photo({ sharpness: t.minSharpness / 2 }), t).problems).toEqual(["blur"]);
    expect(localAnalysis(photo({ brightness: t.minBrightness / 2 }), t).problems).toEqual(["underexposed"]);
    expect(localAnalysis(photo({ brightness: (t.maxBrightness + 1) / 2 }), t).problems).toEqual(["overexposed"]);
    const blurred = localAnalysis(photo({ sharpness: t.minSharpness / 2 }), t);
    expect(blurred.quality.reason).toMatch(/^Measured locally, not analysed by AI: sharpness .* \(blurred: below/);
  });

  it("scores sharp, well-exposed photos above blurred or dark ones, within 0..10", () => {
    const good = localAnalysis(photo(), t).quality.score;
    const blurred = localAnalysis(photo({ sharpness: 0 }), t).quality.score;
    const dark = localAnalysis(photo({ brightness: 0.02 }), t).quality.score;
    expect(good).toBe(10);
    expect(blurred).toBeLessThan(good);
    expect(dark).toBeLessThan(good);
    expect(localAnalysis(photo({ sharpness: 0, brightness: 0 }), t).quality.score).toBe(0);
    expect(localAnalysis(photo({ sharpness: null, brightness: null }), t).quality.score).toBe(5);
  });

  it("crops the largest centred box of each ratio", () => {
    // 4000x3000 is wider than 4:5 and 1:1, narrower than 1.91:1.
    const crops = localAnalysis(photo(), t).crops;
    expect(crops["1:1"]).toEqual({ x: 0.125, y: 0, width: 0.75, height: 1 });
    expect(crops["4:5"].width * 4000).toBeCloseTo(0.8 * 3000);
    expect(crops["1.91:1"].width).toBe(1);
    expect(crops["1.91:1"].height * 3000).toBeCloseTo(4000 / 1.91);
    expect(crops["1.91:1"].y).toBeCloseTo((1 - crops["1.91:1"].height) / 2);
    for (const c of Object.values(crops)) expect(cropBoxSchema.safeParse(c).success).toBe(true);
    expect(centredCrop(1080, 1920, 1)).toEqual({ x: 0, y: (1 - 1080 / 1920) / 2, width: 1, height: 1080 / 1920 });
  });
});
