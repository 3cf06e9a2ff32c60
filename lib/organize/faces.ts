// What the pages, keepers and exports read from a photo's face scan: the faces,
// the count, and the culling problems it shows ("eyes closed in 2 of 3 faces",
// "main face not sharp"). Pure: callers load FaceScan rows with FACE_SCAN_SELECT.
import { UNSHARP_FACE_BELOW, type FaceFact } from "@/lib/faces";

export { UNSHARP_FACE_BELOW };

export const FACE_SCAN_SELECT = { faceCount: true, eyesClosed: true, mainFaceSharpness: true, faces: true, error: true } as const;

export interface FaceScanRow {
  faceCount: number | null;
  eyesClosed: number;
  mainFaceSharpness: number | null;
  faces: unknown;
  error: string | null;
}

export type FaceProblemCode = "eyes_closed" | "face_unsharp";

export interface FaceProblem {
  code: FaceProblemCode;
  /** What the photo page and the grid say. */
  text: string;
}

export interface PhotoFaces {
  count: number;
  faces: FaceFact[];
  eyesClosed: number;
  problems: FaceProblem[];
}

/** null: not scanned yet, or the scan failed (then `error` on the row says why). */
export function photoFaces(row: FaceScanRow | null | undefined): PhotoFaces | null {
  if (!row || row.faceCount === null) return null;
  const faces = Array.isArray(row.faces) ? (row.faces as FaceFact[]) : [];
  return { count: row.faceCount, faces, eyesClosed: row.eyesClosed, problems: faceProblems(row) };
}

export function faceProblems(row: Pick<FaceScanRow, "faceCount" | "eyesClosed" | "mainFaceSharpness">): FaceProblem[] {
  const out: FaceProblem[] = [];
  const n = row.faceCount ?? 0;
  if (row.eyesClosed > 0) {
    out.push({ code: "eyes_closed", text: n === 1 ? "eyes closed" : `eyes closed in ${row.eyesClosed} of ${n} faces` });
  }
  if (row.mainFaceSharpness !== null && row.mainFaceSharpness < UNSHARP_FACE_BELOW) {
    out.push({ code: "face_unsharp", text: n === 1 ? "the face is not sharp" : "the main face is not sharp" });
  }
  return out;
}

/** "3 people", "1 person", "no people" for the pages and exports. */
export function peopleText(count: number): string {
  return count === 0 ? "no people" : count === 1 ? "1 person" : `${count} people`;
}

/**
 * A score deduction for keeper and Best picks choices: a shot with shut eyes or
 * a soft main face loses to its burst neighbour without them. In score points
 * (0-10): all eyes shut costs 3, a soft main face 2 (refresh.ts applies the same in SQL).
 */
export const EYES_CLOSED_PENALTY = 3;
export const UNSHARP_FACE_PENALTY = 2;

export function facePenalty(row: Pick<FaceScanRow, "faceCount" | "eyesClosed" | "mainFaceSharpness"> | null | undefined): number {
  if (!row || !row.faceCount) return 0;
  let p = 0;
  if (row.eyesClosed > 0) p += EYES_CLOSED_PENALTY * (row.eyesClosed / row.faceCount);
  if (row.mainFaceSharpness !== null && row.mainFaceSharpness < UNSHARP_FACE_BELOW) p += UNSHARP_FACE_PENALTY;
  return p;
}
