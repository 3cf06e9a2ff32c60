// Faces on the machine: the face stage (after the image pipeline), its stored
// findings, and what the rest of the app reads from them. The detector itself
// (detector.ts, scan.ts) is loaded only in the stage's own process.
export { createChildScanner, type FaceScanner } from "./client";
export { DETECTOR_VERSION } from "./detector-version";
export { scanPendingFaces, setFaceSummary, startFaceStage, type SetFaceSummary } from "./stage";
export { UNSHARP_FACE_BELOW, type FaceFact } from "./measure";
