// Culling signals from faces: the problems shown ("eyes closed in 2 of 3
// faces", "the main face is not sharp") and their weight in the keeper rule.
import { describe, expect, it } from "vitest";
import { chooseKeeperOf, type KeeperCandidate } from "@/lib/organize/keeper";
import { faceProblems, facePenalty, peopleText } from "@/lib/organize/faces";

const shot = (id: string, score: number, faceScan: KeeperCandidate["faceScan"]): KeeperCandidate => ({
  id, instagramScore: score, qualityScore: score, sharpness: 50, width: 4000, height: 3000, mimeType: "image/jpeg", state: "ANALYZED", faceScan,
});

describe("face culling signals", () => {
  it("names closed eyes and a soft main face", () => {
    expect(faceProblems({ faceCount: 3, eyesClosed: 2, mainFaceSharpness: 900 }).map((p) => p.text)).toEqual(["eyes closed in 2 of 3 faces"]);
    expect(faceProblems({ faceCount: 1, eyesClosed: 1, mainFaceSharpness: 40 }).map((p) => p.text)).toEqual(["eyes closed", "the face is not sharp"]);
    expect(faceProblems({ faceCount: 2, eyesClosed: 0, mainFaceSharpness: null })).toEqual([]);
    expect([peopleText(0), peopleText(1), peopleText(4)]).toEqual(["no people", "1 person", "4 people"]);
  });

  it("weighs them in the keeper: open eyes beat a half-point better score, and the card says why", () => {
    const open = shot("a", 7.5, { faceCount: 2, eyesClosed: 0, mainFaceSharpness: 900 });
    const shut = shot("b", 8, { faceCount: 2, eyesClosed: 1, mainFaceSharpness: 900 });
    expect(facePenalty(shut.faceScan)).toBe(1.5);
    expect(chooseKeeperOf([shut, open])).toEqual({ keeperId: "a", reason: "the other copy: eyes closed in 1 of 2 faces" });
    // Not scanned (or no faces): the score alone decides, as before.
    expect(chooseKeeperOf([shot("a", 7.5, null), shot("b", 8, null)])?.keeperId).toBe("b");
    expect(chooseKeeperOf([shot("a", 7.5, { faceCount: 0, eyesClosed: 0, mainFaceSharpness: null }), shot("b", 8, null)])?.keeperId).toBe("b");
  });
});
