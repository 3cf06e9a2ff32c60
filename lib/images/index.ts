// The image library: pure functions over bytes (no database). The worker that
// runs them for uploaded photos is lib/images/pipeline.
export { processImage, THUMB_SIDE, type ProcessedImage, type ProcessOptions } from "./process";
export { renderPreview, previewFor, PREVIEW_SIDE } from "./preview";
export { ImageError } from "./errors";
export { readImageHeader } from "./sharp";
export { hammingDistance } from "./hamming";
export { sniffImageType, isAccepted, MIME, SNIFF_BYTES, ACCEPTED_TYPES, type SniffedType, type AcceptedType } from "./sniff";
export type { ExifFacts } from "./exif";
