// The version of what the image pipeline measures (Photo.measuredVersion).
// Raise it when a measurement changes scale or meaning; lib/images/remeasure.ts
// then re-measures prepared photos of an older version from their originals.
// 1: sharpness before ADR 010. 2: sharpness on ADR 010's scale.
export const MEASUREMENT_VERSION = 2;
