// The face stage's arithmetic without the model: which candidates count as
// faces, eye opening from the mesh's eye landmarks, face sharpness at a fixed
// scale, the stored summary, and the faces.enabled switch.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { EYES_CLOSED_BELOW, eyesOpenness, faceSharpness, isFace, summarize, toFaceFacts, type RawFace } from "@/lib/faces/measure";

/** A 468-point mesh whose eyes are 20 px wide and `gap` px open. */
function mesh(gap: number): number[][] {
  const m = Array.from({ length: 468 }, () => [0, 0, 0]);
  const eye = (top: number, bottom: number, inner: number, outer: number, cx: number) => {
    m[inner] = [cx + 10, 100, 0];
    m[outer] = [cx - 10, 100, 0];
    m[top] = [cx, 100 - gap / 2, 0];
    m[bottom] = [cx, 100 + gap / 2, 0];
  };
  eye(159, 145, 133, 33, 80);
  eye(386, 374, 362, 263, 140);
  return m;
}

/** A grey image of fine stripes, optionally box-blurred `r` px. */
function stripes(w: number, h: number, r = 0): Uint8Array {
  const g = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g[y * w + x] = (x >> 1) % 2 ? 220 : 30;
  if (r === 0) return g;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dx = -r; dx <= r; dx++) {
        const xx = Math.min(w - 1, Math.max(0, x + dx));
        s += g[y * w + xx]!;
        n++;
      }
      out[y * w + x] = s / n;
    }
  return out;
}

describe("face measurements", () => {
  it("counts a candidate as a face only when the mesh is sure, allowing a little less for a clear box", () => {
    expect(isFace({ boxScore: 0.3, faceScore: 1 })).toBe(true);
    expect(isFace({ boxScore: 0.53, faceScore: 0.98 })).toBe(false); // the tuning photos' squirrel
    expect(isFace({ boxScore: 0.76, faceScore: 0.96 })).toBe(true); // a 100 px face
    expect(isFace({ boxScore: 0.1, faceScore: 1 })).toBe(false);
  });

  it("reads the eye opening as the lid gap over the eye width", () => {
    expect(eyesOpenness(mesh(8))).toBeCloseTo(0.4);
    expect(eyesOpenness(mesh(2))).toBeCloseTo(0.1);
    expect(eyesOpenness([])).toBeNaN();
  });

  it("reads a blurred face as less sharp", () => {
    const crisp = faceSharpness(stripes(400, 400), 400, 400, [50, 50, 300, 300]);
    const soft = faceSharpness(stripes(400, 400, 3), 400, 400, [50, 50, 300, 300]);
    expect(soft).toBeLessThan(crisp / 3);
  });

  it("keeps faces largest first with relative boxes, and sums closed eyes", () => {
    const grey = stripes(1000, 500);
    const raw: RawFace[] = [
      { box: [100, 100, 60, 60], boxScore: 0.8, faceScore: 1, mesh: mesh(2) },
      { box: [500, 50, 200, 200], boxScore: 0.9, faceScore: 1, mesh: mesh(8) },
      { box: [800, 300, 100, 100], boxScore: 0.4, faceScore: 0.5, mesh: mesh(8) },
      { box: [900, 10, 30, 30], boxScore: 0.7, faceScore: 1, mesh: mesh(1) },
    ];
    const faces = toFaceFacts(raw, grey, 1000, 500);
    expect(faces.map((f) => f.box)).toEqual([
      { x: 0.5, y: 0.1, width: 0.2, height: 0.4 },
      { x: 0.1, y: 0.2, width: 0.06, height: 0.12 },
      { x: 0.9, y: 0.02, width: 0.03, height: 0.06 },
    ]);
    expect(faces.map((f) => f.eyesClosed)).toEqual([false, true, false]); // the 30 px face is too small to judge
    expect(faces[1]!.eyesOpen).toBeLessThan(EYES_CLOSED_BELOW);
    expect(faces[2]!.sharpness).toBeNull();
    expect(summarize(faces)).toEqual({ faceCount: 3, eyesClosed: 1, mainFaceSharpness: faces[0]!.sharpness });
    expect(summarize([])).toEqual({ faceCount: 0, eyesClosed: 0, mainFaceSharpness: null });
  });
});

describe("faces.enabled", () => {
  it("is on by default and off by FACES_ENABLED=0 or the config file", () => {
    expect(resolveConfig({ env: {} }).facesEnabled).toBe(true);
    expect(resolveConfig({ env: { FACES_ENABLED: "0" } }).facesEnabled).toBe(false);
    const dir = mkdtempSync(path.join(tmpdir(), "faces-cfg-"));
    const file = path.join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ faces: { enabled: false } }));
    expect(resolveConfig({ env: {}, file }).facesEnabled).toBe(false);
  });
});
