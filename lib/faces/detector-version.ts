// Kept apart from detector.ts so the stage and the pages can name the version
// without loading (or bundling) the detector.

/** Bumped whenever the models, their settings or the measurements change: photos are scanned again. */
export const DETECTOR_VERSION = "human-3.3.6/blazeface+facemesh+iris/v1";
