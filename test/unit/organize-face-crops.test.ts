// Face-aware crops on the labelled set's photos with faces near an edge (and
// groups): for every ratio, with the local provider's centred crop and with
// model boxes placed away from the faces, the crop contains every face box;
// where one crop of a ratio cannot hold all faces, it holds the largest and
// says how many are cut. A crop that already keeps the faces is left alone.
import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPORT_RATIOS, RATIO_VALUE, type PixelRect } from "@/lib/organize/crops";
import { faceAwareCrop, type FaceBox } from "@/lib/organize/face-crops";

interface Label {
  file: string;
  faces: number;
  faceBoxes?: FaceBox[];
}
const dir = path.resolve(import.meta.dirname, "../fixtures/faces");
const labels = (JSON.parse(readFileSync(path.join(dir, "labels.json"), "utf8")) as Label[]).filter((l) => l.faceBoxes?.length);
const sizes = new Map<string, { w: number; h: number }>();
beforeAll(async () => {
  for (const l of labels) {
    const m = await sharp(path.join(dir, l.file)).metadata();
    sizes.set(l.file, { w: m.width, h: m.height });
  }
});

const inside = (r: PixelRect, f: FaceBox, w: number, h: number) =>
  r.left <= f.x * w + 0.5 && r.top <= f.y * h + 0.5 && r.left + r.width >= (f.x + f.width) * w - 0.5 && r.top + r.height >= (f.y + f.height) * h - 0.5;

const SUGGESTIONS = {
  "centred (local provider)": null,
  "model box top left": { x: 0, y: 0, width: 0.25, height: 0.25 },
  "model box bottom right": { x: 0.75, y: 0.75, width: 0.25, height: 0.25 },
  "model box in the middle": { x: 0.4, y: 0.4, width: 0.2, height: 0.2 },
};

describe("face-aware crops", () => {
  it("has photos with faces at every edge to test on", () => {
    expect(labels.filter((l) => l.file.startsWith("edge-")).map((l) => l.file).sort()).toEqual([
      "edge-bottom-tall.jpg", "edge-left-wide.jpg", "edge-pair-wide.jpg", "edge-right-wide.jpg", "edge-top-tall.jpg",
    ]);
  });

  for (const ratio of EXPORT_RATIOS) {
    it(`${ratio}: every crop contains every face box, or holds the largest faces and counts the rest`, () => {
      for (const l of labels) {
        const { w, h } = sizes.get(l.file)!;
        const faces = [...l.faceBoxes!].sort((a, b) => b.width * b.height - a.width * a.height);
        // Whether one crop of this ratio can hold all the faces at all.
        const span = { left: Math.min(...faces.map((f) => f.x)) * w, right: Math.max(...faces.map((f) => f.x + f.width)) * w };
        const top = Math.min(...faces.map((f) => f.y)) * h;
        const bottom = Math.max(...faces.map((f) => f.y + f.height)) * h;
        const maxW = Math.min(w, h * RATIO_VALUE[ratio]);
        const fits = span.right - span.left <= maxW && (bottom - top) * RATIO_VALUE[ratio] <= maxW;
        for (const [what, box] of Object.entries(SUGGESTIONS)) {
          const c = faceAwareCrop(box, ratio, w, h, faces);
          const where = `${l.file} ${ratio} ${what}`;
          expect(c.rect.left, where).toBeGreaterThanOrEqual(0);
          expect(c.rect.top, where).toBeGreaterThanOrEqual(0);
          expect(c.rect.left + c.rect.width, where).toBeLessThanOrEqual(w);
          expect(c.rect.top + c.rect.height, where).toBeLessThanOrEqual(h);
          expect(Math.abs(c.rect.width / c.rect.height - RATIO_VALUE[ratio]), where).toBeLessThan(0.01);
          const cut = faces.filter((f) => !inside(c.rect, f, w, h)).length;
          expect(c.facesCut, where).toBe(cut);
          if (fits) expect(cut, where).toBe(0);
          else expect(inside(c.rect, faces[0]!, w, h), `${where}: the largest face`).toBe(true);
        }
      }
    });
  }

  it("cannot fit both ends of a very wide photo in one crop, and says one face is cut", () => {
    const l = labels.find((x) => x.file === "edge-pair-wide.jpg")!;
    const { w, h } = sizes.get(l.file)!;
    for (const ratio of EXPORT_RATIOS) expect(faceAwareCrop(null, ratio, w, h, l.faceBoxes!).facesCut, ratio).toBe(1);
  });

  it("leaves a crop that already keeps the faces (with headroom) where it was", () => {
    const face = { x: 0.45, y: 0.4, width: 0.1, height: 0.15 };
    const c = faceAwareCrop(null, "1:1", 1200, 800, [face]);
    expect(c).toMatchObject({ moved: false, facesCut: 0, rect: { left: 200, top: 0, width: 800, height: 800 } });
    // The same face near the left edge: the centred square moves just far enough
    // to take it in with its side margin (24 px - 0.15 x 120 px = 6 px).
    const moved = faceAwareCrop(null, "1:1", 1200, 800, [{ ...face, x: 0.02 }]);
    expect(moved).toMatchObject({ moved: true, facesCut: 0, rect: { left: 6, top: 0, width: 800, height: 800 } });
    expect(faceAwareCrop(null, "1:1", 1200, 800, []).moved).toBe(false);
  });
});
