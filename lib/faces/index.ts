// Faces on the machine: the face stage (after the image pipeline), its stored
// findings, and what the rest of the app reads from them. The detector itself
// (detector.ts, scan.ts) is loaded only in the stage's own process.
export { createChildScanner, ScanError, type FaceScanner } from "./client";
export { DETECTOR_VERSION } from "./detector-version";
export { scanNext, scanPendingFaces, setFaceSummary, startFaceStage, type SetFaceSummary } from "./stage";
export { EYES_CLOSED_BELOW, UNSHARP_FACE_BELOW, summarize, type FaceFact, type FaceSummary, type RelBox } from "./measure";
