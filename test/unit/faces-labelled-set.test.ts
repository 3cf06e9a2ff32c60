// The face stage on the labelled set made for the project (test/fixtures/faces,
// built by scripts/make-face-set.ts from public-domain / CC0 photos; labels and
// origins in labels.json and SOURCES.md). Runs the real detector (WASM, CPU)
// once over every photo and reports precision/recall of "has people", count
// accuracy, closed-eye accuracy and unsharp-face accuracy, each held to a bar:
//   has people: precision >= 0.95, recall >= 0.9
//   exact face count, photos with people: >= 0.85
//   eyes-closed count, photos whose eyes are labelled: >= 0.9
//   main face unsharp or not, photos with a face found: >= 0.9
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scanImage } from "@/lib/faces/scan";
import { summarize, UNSHARP_FACE_BELOW, type FaceFact } from "@/lib/faces/measure";

interface Label {
  file: string;
  made: string;
  faces: number;
  eyesClosed: number | null;
  unsharp?: boolean;
}

const dir = path.resolve(import.meta.dirname, "../fixtures/faces");
const labels = JSON.parse(readFileSync(path.join(dir, "labels.json"), "utf8")) as Label[];
const found = new Map<string, FaceFact[]>();

beforeAll(async () => {
  for (const l of labels) found.set(l.file, await scanImage(readFileSync(path.join(dir, l.file))));
}, 240_000);

const ratio = (hits: number, of: number) => (of === 0 ? 1 : hits / of);

describe("the face stage on the labelled set", () => {
  it("has a set worth measuring: people and no people, groups, shut eyes, blur", () => {
    expect(labels.filter((l) => l.faces === 0).length).toBeGreaterThanOrEqual(10);
    expect(labels.filter((l) => l.faces >= 3).length).toBeGreaterThanOrEqual(4);
    expect(labels.filter((l) => (l.eyesClosed ?? 0) > 0).length).toBeGreaterThanOrEqual(4);
    expect(labels.filter((l) => l.unsharp).length).toBeGreaterThanOrEqual(2);
  });

  it("meets its bars (figures printed)", () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let countHits = 0;
    let withPeople = 0;
    let eyeHits = 0;
    let eyeLabelled = 0;
    let sharpHits = 0;
    let sharpJudged = 0;
    const misses: string[] = [];
    for (const l of labels) {
      const faces = found.get(l.file)!;
      const s = summarize(faces);
      const said = s.faceCount > 0;
      if (said && l.faces > 0) tp++;
      else if (said) fp++;
      else if (l.faces > 0) fn++;
      if (l.faces > 0) {
        withPeople++;
        if (s.faceCount === l.faces) countHits++;
        else misses.push(`${l.file}: ${s.faceCount} faces, labelled ${l.faces}`);
      }
      if (l.faces > 0 && l.eyesClosed !== null) {
        eyeLabelled++;
        if (s.eyesClosed === l.eyesClosed && s.faceCount === l.faces) eyeHits++;
        else misses.push(`${l.file}: ${s.eyesClosed} with eyes closed, labelled ${l.eyesClosed}`);
      }
      if (s.mainFaceSharpness !== null) {
        sharpJudged++;
        if (s.mainFaceSharpness < UNSHARP_FACE_BELOW === (l.unsharp ?? false)) sharpHits++;
        else misses.push(`${l.file}: main face sharpness ${s.mainFaceSharpness}, labelled ${l.unsharp ? "unsharp" : "sharp"}`);
      }
    }
    const figures = {
      photos: labels.length,
      hasPeoplePrecision: ratio(tp, tp + fp),
      hasPeopleRecall: ratio(tp, tp + fn),
      countAccuracy: ratio(countHits, withPeople),
      closedEyeAccuracy: ratio(eyeHits, eyeLabelled),
      unsharpAccuracy: ratio(sharpHits, sharpJudged),
    };
    console.log("[faces] labelled set:", JSON.stringify(figures), misses.length ? `\n  misses: ${misses.join("; ")}` : "");
    expect(figures.hasPeoplePrecision).toBeGreaterThanOrEqual(0.95);
    expect(figures.hasPeopleRecall).toBeGreaterThanOrEqual(0.9);
    expect(figures.countAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(figures.closedEyeAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(figures.unsharpAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
