// The pure parts: Hamming distance, the DCT hash, and the pixel statistics.
import { describe, expect, it } from "vitest";
import { hammingDistance } from "@/lib/images";
import { boxResizeGrey, dominantColors, focusSharpness, laplacianVariance, meanBrightness, toGrey } from "@/lib/images/metrics";
import { PHASH_SIZE, phashFromGrey } from "@/lib/images/phash";

const N = PHASH_SIZE;
const image = (f: (x: number, y: number) => number) => Uint8Array.from({ length: N * N }, (_, i) => f(i % N, Math.floor(i / N)));

describe("hammingDistance", () => {
  it("counts differing bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("ffffffffffffffff", "0000000000000000")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("00000000000000F0", "00000000000000f1")).toBe(1);
  });
  it("refuses hashes of different lengths or non-hex", () => {
    expect(() => hammingDistance("abc", "abcd")).toThrow();
    expect(() => hammingDistance("zz", "00")).toThrow();
  });
});

describe("phashFromGrey", () => {
  // Rich in low frequencies, so no DCT coefficient sits on the median by accident.
  const pattern = (x: number, y: number) => 110 + 40 * Math.sin(x / 3 + y / 5) + 30 * Math.cos(x / 7 - y / 2) + 20 * Math.sin((x * y) / 40);
  const gradient = image(pattern);
  it("is stable under a brightness shift and small noise", () => {
    const brighter = image((x, y) => pattern(x, y) + 12 + ((x * 7 + y) % 3));
    expect(hammingDistance(phashFromGrey(gradient), phashFromGrey(brighter))).toBeLessThanOrEqual(4);
  });
  it("differs for a different picture", () => {
    const other = image((x, y) => ((x < N / 2) !== (y < N / 2) ? 230 : 20));
    expect(hammingDistance(phashFromGrey(gradient), phashFromGrey(other))).toBeGreaterThan(16);
  });
  it("rejects a buffer of the wrong size", () => {
    expect(() => phashFromGrey(new Uint8Array(10))).toThrow(/1024/);
  });
});

describe("pixel statistics", () => {
  it("Laplacian variance: zero for flat, high for a checkerboard", () => {
    const flat = new Uint8Array(100).fill(128);
    const checker = Uint8Array.from({ length: 100 }, (_, i) => ((i % 10) + Math.floor(i / 10)) % 2 ? 255 : 0);
    expect(laplacianVariance(flat, 10, 10)).toBe(0);
    expect(laplacianVariance(checker, 10, 10)).toBeGreaterThan(100_000);
  });
  it("brightness runs from 0 (black) to 1 (white)", () => {
    expect(meanBrightness(new Uint8Array([0, 0]))).toBe(0);
    expect(meanBrightness(new Uint8Array([255, 255]))).toBe(1);
    expect(meanBrightness(new Uint8Array([0, 255]))).toBeCloseTo(0.5);
  });
  it("dominant colours: most common first, rare ones left out", () => {
    const px = (r: number, g: number, b: number, n: number) => Array.from({ length: n }, () => [r, g, b]).flat();
    const rgb = Uint8Array.from([...px(250, 10, 10, 700), ...px(10, 10, 250, 295), ...px(10, 250, 10, 5)]);
    expect(dominantColors(rgb, 3)).toEqual(["#fa0a0a", "#0a0afa"]);
  });
  it("dominant colours of a large buffer (sampled) keep the shares: 2% stays in, 0.5% stays out", () => {
    // 512 x 384 in stripes of whole rows, so an even sample sees each colour in proportion.
    const rows = (rgb: number[], n: number) => Array.from({ length: n * 512 }, () => rgb).flat();
    const rgb = Uint8Array.from([...rows([250, 10, 10], 300), ...rows([10, 10, 250], 74), ...rows([10, 250, 10], 8), ...rows([250, 250, 250], 2)]);
    expect(dominantColors(rgb, 3)).toEqual(["#fa0a0a", "#0a0afa", "#0afa0a"]);
  });
});

describe("focusSharpness", () => {
  // An analysis-size RGB picture: fine texture (a pixel-level pattern, like
  // foliage or fabric) where `crisp(x, y)` says so, flat grey elsewhere.
  const W = 1024;
  const H = 768;
  const texture = (x: number, y: number) => ((x * 73 + y * 151 + ((x * y) % 97) * 13) % 256);
  const picture = (crisp: (x: number, y: number) => boolean) => {
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.fill(crisp(x, y) ? texture(x, y) : 128, (y * W + x) * 3, (y * W + x) * 3 + 3);
    return rgb;
  };
  /** A 3x3 box blur, applied `times` times (about a 1 px Gaussian each). */
  const blurred = (rgb: Uint8Array, times: number) => {
    let src = rgb;
    for (let t = 0; t < times; t++) {
      const out = new Uint8Array(src.length);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || xx >= W || yy < 0 || yy >= H) continue;
          sum += src[(yy * W + xx) * 3 + c]!;
          n++;
        }
        out[(y * W + x) * 3 + c] = Math.round(sum / n);
      }
      src = out;
    }
    return src;
  };
  const sharp = picture(() => true);

  it("falls with blur and is zero for a flat picture", () => {
    const s0 = focusSharpness(sharp, W, H, 3);
    const s1 = focusSharpness(blurred(sharp, 1), W, H, 3);
    const s3 = focusSharpness(blurred(sharp, 3), W, H, 3);
    expect(s1).toBeLessThan(s0 / 2);
    expect(s3).toBeLessThan(s1 / 2);
    expect(focusSharpness(picture(() => false), W, H, 3)).toBe(0);
  });
  it("counts a crisp subject on a soft background as sharp: the sharpest tiles decide", () => {
    const subject = picture((x) => x < W / 2); // left half detailed, right half flat
    expect(focusSharpness(subject, W, H, 3)).toBeGreaterThan(0.9 * focusSharpness(sharp, W, H, 3));
    // A small crisp corner (under a quarter of the tiles) does not make the photo sharp.
    const corner = picture((x, y) => x < W / 8 && y < H / 8);
    expect(focusSharpness(corner, W, H, 3)).toBeLessThan(focusSharpness(sharp, W, H, 3) / 2);
  });
  it("measures a picture smaller than a tile whole, with an alpha channel skipped", () => {
    const w = 40;
    const h = 30;
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba.fill(texture(i % w, Math.floor(i / w)), i * 4, i * 4 + 3);
      rgba[i * 4 + 3] = 255;
    }
    expect(focusSharpness(rgba, w, h, 4)).toBe(laplacianVariance(toGrey(rgba, 4), w, h));
    expect(focusSharpness(rgba, w, h, 4)).toBeGreaterThan(1000);
  });
});

describe("boxResizeGrey", () => {
  it("averages each cell's pixels", () => {
    // 4x2 -> 2x1: left cell {0,10,20,30} -> 15, right cell {100,110,120,130} -> 115.
    const grey = Uint8Array.from([0, 10, 100, 110, 20, 30, 120, 130]);
    expect(Array.from(boxResizeGrey(grey, 4, 2, 2, 1))).toEqual([15, 115]);
  });
  it("fills every output cell, also when the source is smaller than the output", () => {
    for (const [w, h] of [[37, 23], [5, 3], [512, 384]] as const) {
      const grey = new Uint8Array(w * h).fill(200);
      const out = boxResizeGrey(grey, w, h, 32, 32);
      expect(out.length).toBe(1024);
      expect(out.every((v) => v === 200)).toBe(true);
    }
    // 2x1 stretched to 4x1: each source pixel fills two cells.
    expect(Array.from(boxResizeGrey(Uint8Array.from([10, 250]), 2, 1, 4, 1))).toEqual([10, 10, 250, 250]);
  });
});
