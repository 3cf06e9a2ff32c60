import { describe, expect, it } from "vitest";
import { carouselRatio, cropImageStyle, exactCrop, gridObjectPosition, relativeCrop, RATIO_VALUE } from "@/lib/organize/crops";
import { INSTAGRAM_RATIOS } from "@/lib/llama/types";

describe("exactCrop", () => {
  it("without a box, takes the largest centred rectangle of the ratio", () => {
    expect(exactCrop(null, "1:1", 4000, 3000)).toEqual({ left: 500, top: 0, width: 3000, height: 3000 });
    expect(exactCrop(null, "4:5", 4000, 3000)).toEqual({ left: 800, top: 0, width: 2400, height: 3000 });
    expect(exactCrop(null, "1.91:1", 3000, 4000)).toEqual({ left: 0, top: 1215, width: 3000, height: 1571 });
  });
  it("covers the model's box at exactly the ratio, centred on it", () => {
    // a 1000x1000 box at the right edge of a 4000x3000 image, asked for 4:5
    const r = exactCrop({ x: 0.75, y: 0.2, width: 0.25, height: 0.3333 }, "4:5", 4000, 3000);
    expect(r.width / r.height).toBeCloseTo(0.8, 2);
    expect(r.height).toBeGreaterThanOrEqual(1000);
    expect(r.left + r.width).toBeLessThanOrEqual(4000); // pushed back inside the image
    expect(r.left + r.width).toBeGreaterThan(3990);
  });
  it("always stays inside the image at the requested ratio", () => {
    const boxes = [
      { x: 0, y: 0, width: 1, height: 1 },
      { x: 0.9, y: 0.9, width: 0.1, height: 0.1 },
      { x: 0, y: 0.4, width: 1, height: 0.2 },
      { x: 0.45, y: 0, width: 0.1, height: 1 },
    ];
    for (const ratio of INSTAGRAM_RATIOS) {
      for (const [w, h] of [[4000, 3000], [3000, 4000], [1080, 1080], [640, 200]] as const) {
        for (const b of boxes) {
          const r = exactCrop(b, ratio, w, h);
          expect(r.left).toBeGreaterThanOrEqual(0);
          expect(r.top).toBeGreaterThanOrEqual(0);
          expect(r.left + r.width).toBeLessThanOrEqual(w);
          expect(r.top + r.height).toBeLessThanOrEqual(h);
          // exact up to rounding to whole pixels
          expect(Math.abs(r.width - r.height * RATIO_VALUE[ratio])).toBeLessThanOrEqual(1);
        }
      }
    }
  });
  it("relativeCrop is the same rectangle in 0..1", () => {
    expect(relativeCrop(null, "1:1", 4000, 3000)).toEqual({ x: 0.125, y: 0, width: 0.75, height: 1 });
  });
});

describe("gridObjectPosition", () => {
  it("centres the 3:4 tile on the crop", () => {
    expect(gridObjectPosition(null, 4000, 3000)).toBe("50% 50%");
    // crop at the left edge of a landscape image -> tile at the left
    expect(gridObjectPosition({ x: 0, y: 0, width: 0.3, height: 1 }, 4000, 3000)).toBe("0% 50%");
    expect(gridObjectPosition({ x: 0.7, y: 0, width: 0.3, height: 1 }, 4000, 3000)).toBe("100% 50%");
    // a tall image: only vertical movement
    expect(gridObjectPosition({ x: 0, y: 0, width: 1, height: 0.2 }, 1000, 3000)).toBe("50% 0%");
  });
});

describe("carouselRatio", () => {
  it("is the export ratio nearest the cover's shape", () => {
    expect(carouselRatio({ width: 1600, height: 800 })).toBe("1.91:1"); // 2:1 landscape
    expect(carouselRatio({ width: 1920, height: 1080 })).toBe("1.91:1"); // 16:9
    expect(carouselRatio({ width: 1200, height: 1000 })).toBe("1:1");
    expect(carouselRatio({ width: 3000, height: 4000 })).toBe("3:4"); // a phone's portrait
    expect(carouselRatio({ width: 2000, height: 3000 })).toBe("3:4"); // 2:3 is nearer 3:4 than 4:5
    expect(carouselRatio({ width: 1080, height: 1350 })).toBe("4:5");
    expect(carouselRatio({ width: 1000, height: 1000 })).toBe("1:1");
  });
  it("is 4:5 while the cover's size is not known", () => {
    expect(carouselRatio(undefined)).toBe("4:5");
    expect(carouselRatio({ width: null, height: null })).toBe("4:5");
  });
});

describe("cropImageStyle", () => {
  it("places the image so its box shows exactly the crop", () => {
    // the right half of the image, full height: the image is twice the box wide, shifted left by one box
    expect(cropImageStyle({ x: 0.5, y: 0, width: 0.5, height: 1 })).toEqual({ position: "absolute", maxWidth: "none", width: "200%", height: "100%", left: "-100%", top: "0%" });
  });
});
