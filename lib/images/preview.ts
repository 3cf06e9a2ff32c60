// The ~1440 px WebP preview, rendered on first request rather than at ingest:
// on this hardware its decode + WebP encode cost more than the whole rest of
// the pipeline, and most previews of a big set are never opened
// (docs/decisions/006-ingest-one-decode-lazy-preview.md).
import { storage } from "@/lib/storage/local"; // the file store alone: the image bench measures this module without a database
import { ImageError } from "./errors";
import { TRANSPARENT_BACKDROP } from "./process";
import { decodeImage } from "./sharp";
import { SNIFF_BYTES, sniffImageType } from "./sniff";
import { decodeFailure } from "./truncation";

export const PREVIEW_SIDE = 1440;

export async function renderPreview(original: Buffer | string): Promise<Buffer> {
  try {
    return await decodeImage(original)
      .autoOrient()
      .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: "inside", withoutEnlargement: true })
      .flatten({ background: TRANSPARENT_BACKDROP })
      .webp({ quality: 80, effort: 1 })
      .toBuffer();
  } catch (err) {
    const format = Buffer.isBuffer(original) ? sniffImageType(original.subarray(0, SNIFF_BYTES)) : null;
    throw await decodeFailure(err, format, original);
  }
}

/**
 * A photo refused for its content has no preview and no longer its original
 * (lib/storage/reclaim.ts): its preview is the refusal itself, with the reason.
 */
export function assertReadable(photo: { unreadable: boolean; stateReason: string | null }): void {
  if (photo.unreadable) throw new ImageError(photo.stateReason ?? "The image could not be read.");
}

/** The stored preview of a content hash, rendering and storing it the first time. */
export async function previewFor(hash: string): Promise<Buffer> {
  const s = storage();
  if (await s.has(hash, "preview")) return s.get(hash, "preview");
  const preview = await renderPreview(await s.get(hash, "original"));
  await s.put(hash, "preview", preview);
  return preview;
}
