import { describe, expect, it } from "vitest";
import { IMAGE_TOKENS, imageTokensFor, llama4Canvas, llama4ImageTokens, tileAwareSize } from "@/lib/llama/tokens";

describe("Llama 4 image tokens", () => {
  it("matches the tiling of Hugging Face's Llama4ImageProcessor for known sizes", () => {
    expect(llama4ImageTokens(1024, 768)).toBe(1887); // 3x4 tiles + global
    expect(llama4ImageTokens(512, 384)).toBe(727); // 2x2 + global
    expect(llama4ImageTokens(336, 336)).toBe(147); // one tile, no global
    expect(llama4ImageTokens(200, 300)).toBe(147);
    expect(llama4ImageTokens(1080, 1350)).toBe(2467); // the 16-tile cap
    expect(llama4ImageTokens(1080, 1350)).toBe(IMAGE_TOKENS);
    expect(llama4Canvas(1080, 1350)).toEqual({ rows: 4, cols: 4 });
    expect(llama4Canvas(1920, 1080)).toEqual({ rows: 3, cols: 5 });
  });

  it("never exceeds the worst case the budget assumed before", () => {
    for (let w = 16; w <= 6000; w += 137) for (let h = 16; h <= 6000; h += 211) expect(llama4ImageTokens(w, h)).toBeLessThanOrEqual(IMAGE_TOKENS);
  });

  it("falls back to the worst case for an unknown model family or size", () => {
    expect(imageTokensFor("Llama-4-Maverick-17B-128E-Instruct-FP8", 896, 672)).toBe(1017);
    expect(imageTokensFor("llama3.2-vision", 896, 672)).toBe(IMAGE_TOKENS);
    expect(imageTokensFor("Llama-4-Scout-17B-16E-Instruct-FP8", 0, 0)).toBe(IMAGE_TOKENS);
  });
});

describe("tileAwareSize", () => {
  it("fits a 4:3 photo in 3x2 whole tiles", () => {
    expect(tileAwareSize(4000, 3000, 6, 1024)).toEqual({ width: 896, height: 672 });
    expect(tileAwareSize(3000, 4000, 6, 1024)).toEqual({ width: 672, height: 896 });
  });

  it("never enlarges and keeps the aspect ratio, within the tile budget, for any size", () => {
    for (let w = 50; w <= 5000; w += 173) {
      for (let h = 50; h <= 5000; h += 191) {
        for (const tiles of [1, 4, 6, 9, 16]) {
          const s = tileAwareSize(w, h, tiles, 1024);
          expect(s.width).toBeLessThanOrEqual(w);
          expect(s.height).toBeLessThanOrEqual(h);
          expect(Math.max(s.width, s.height)).toBeLessThanOrEqual(1024);
          const { rows, cols } = llama4Canvas(s.width, s.height);
          expect(rows * cols).toBeLessThanOrEqual(tiles);
          // Rounding down loses at most a pixel of the aspect ratio.
          expect(Math.abs(s.width / s.height - w / h)).toBeLessThan((w / h) * (1 / Math.min(s.width, s.height)) + 1e-9);
        }
      }
    }
  });
});
