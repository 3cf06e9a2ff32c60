// Images: pure functions over bytes (process, preview, sniff, sharp) and
// uploads (upload.ts, ingest.ts). The image worker that prepares each uploaded
// photo (pipeline.ts) is imported as "@/lib/images/pipeline": it uses
// lib/organize, which uses lib/analysis, which uses this index. A process that
// must not load the database imports the byte functions' own modules. Both
// exceptions are named in eslint.config.mjs.
export { processImage, THUMB_SIDE, TRANSPARENT_BACKDROP } from "./process";
export { renderPreview, previewFor, assertReadable } from "./preview";
export { ImageError, tooManyPixels } from "./errors";
export { decodeImage, readImageHeader } from "./sharp";
export { hammingDistance } from "./hamming";
export { sniffImageType, isAccepted } from "./sniff";
export { ingestFile } from "./ingest";
export { receiveUpload, existingHashes, hashesBody } from "./upload";
