// One photo through the pipeline: decode ONCE (EXIF orientation applied, JPEG
// shrink-on-load) to the analysis size; derive the analysis JPEG, sharpness,
// and a thumbnail-size copy (WebP thumbnail, perceptual hash, brightness,
// colours) from that one buffer.
import type { Sharp } from "sharp";
import { getEnv } from "@/lib/env";
import { tileAwareSize } from "@/lib/llama";
import { ImageError, imageErrorFrom, tooManyPixels } from "./errors";
import { readExif, type ExifFacts } from "./exif";
import { boxResizeGrey, dominantColors, focusSharpness, meanBrightness, toGrey } from "./metrics";
import { PHASH_SIZE, phashFromGrey } from "./phash";
import { decodeImage, fromRawPixels, readImageHeader } from "./sharp";
import { decodeFailure } from "./truncation";

export const THUMB_SIDE = 320;
/** What transparent pixels are shown and measured on: neutral grey, against which both light and dark artwork shows. */
export const TRANSPARENT_BACKDROP = "#808080";
/**
 * Below this standard deviation of the 32x32 grey image (0-255 levels) the
 * picture has no detail to compare: the hash's bits would come from rounding
 * noise, and three unrelated blank images hashed alike.
 */
const MIN_HASH_DETAIL = 2;

export interface ProcessOptions {
  analysisMaxSide?: number;
  /** Tiles of 336 px the JPEG sent to the model may span (see tileAwareSize). */
  analysisMaxTiles?: number;
  maxPixels?: number;
}

export interface ProcessedImage {
  format: string;
  width: number;
  height: number;
  aspect: number;
  analysisJpeg: Buffer;
  thumbnailWebp: Buffer;
  /** Null for an image with no visible detail (blank, one flat colour): its hash would be noise, and it is never grouped. */
  phash: string | null;
  sharpness: number;
  brightness: number;
  dominantColors: string[];
  exif: ExifFacts;
}

const READABLE = new Set(["jpeg", "png", "webp", "gif", "tiff", "heif"]);

export async function processImage(input: Buffer | string, opts: ProcessOptions = {}): Promise<ProcessedImage> {
  const env = getEnv();
  const analysisMaxSide = opts.analysisMaxSide ?? env.ANALYSIS_MAX_SIDE;
  const analysisMaxTiles = opts.analysisMaxTiles ?? env.ANALYSIS_MAX_TILES;
  const maxPixels = opts.maxPixels ?? env.MAX_IMAGE_PIXELS;
  // failOn "error" (decodeImage's default): truncated or corrupt pixel data
  // fails the photo instead of producing a half-grey image; mere warnings
  // (common in camera files) pass.
  const open = () => decodeImage(input, { maxPixels, sequentialRead: true });

  let meta;
  try {
    // Header only (no pixels decoded), so no pixel limit yet: the check below names the numbers.
    meta = await readImageHeader(input);
  } catch (err) {
    throw imageErrorFrom(err);
  }
  if (!READABLE.has(meta.format)) throw new ImageError(`"${meta.format}" images are not supported.`);
  if (meta.format === "heif" && meta.compression !== "av1") {
    throw new ImageError("HEIC/HEIF photos cannot be decoded here; export them as JPEG.");
  }
  if (meta.width * meta.height > maxPixels) throw tooManyPixels(meta.width * meta.height, maxPixels);
  const { width, height } = meta.autoOrient;

  // The single decode, straight to the analysis size: sharp asks libjpeg for a
  // 1/2, 1/4 or 1/8 scale decode when the reduction allows it, so full-size
  // pixels never exist in memory. Everything else comes from this buffer. The
  // 1440 px preview is not made here (see renderPreview and
  // docs/decisions/006-ingest-one-decode-lazy-preview.md): it cost more than the decode itself.
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  const exifPromise = readExif(input);
  try {
    let pipeline: Sharp = open()
      .autoOrient()
      .resize(analysisMaxSide, analysisMaxSide, { fit: "inside", withoutEnlargement: true });
    // Transparent areas become neutral grey, not white: white artwork on
    // alpha flattened onto white left a blank thumbnail, measured 0 sharpness
    // and hashed like every other blank image.
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: TRANSPARENT_BACKDROP });
    decoded = await pipeline.toColourspace("srgb").removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    await exifPromise.catch(() => undefined);
    throw await decodeFailure(err, meta.format, input);
  }

  const raw = { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels as 3 };
  const inside = (side: number) => ({ width: side, height: side, fit: "inside" as const, withoutEnlargement: true });
  // libvips encodes the analysis JPEG and makes the thumbnail-size copy on its
  // threads while this one reads sharpness off the full analysis-size pixels.
  // The JPEG sent to the model spans whole 336 px tiles (a 4:3 photo: 896x672,
  // ~1,017 image tokens instead of ~1,887 at 1024x768); the measurements stay
  // on the decoded size, whose scale the thresholds are set for (ADR 010, 011).
  const sent = tileAwareSize(raw.width, raw.height, analysisMaxTiles, analysisMaxSide);
  let toModel = fromRawPixels(decoded.data, raw);
  if (sent.width !== raw.width || sent.height !== raw.height) toModel = toModel.resize(sent.width, sent.height, { fit: "fill" });
  const analysisJpeg = awaitedLater(toModel.jpeg({ quality: 85 }).toBuffer());
  // Linear is enough at this reduction (the kernel widens with the factor) and cheaper than Lanczos.
  const small = fromRawPixels(decoded.data, raw).resize({ ...inside(THUMB_SIDE), kernel: "linear" }).raw().toBuffer({ resolveWithObject: true });
  const sharpness = focusSharpness(decoded.data, raw.width, raw.height, raw.channels);
  const { data: pixels, info } = await small;
  const s = { width: info.width, height: info.height, channels: info.channels as 3 };
  // The WebP encodes on libvips' thread while the thumbnail-size statistics run here.
  const thumbnail = awaitedLater(fromRawPixels(pixels, s).webp({ quality: 75, effort: 0 }).toBuffer());
  // Hash, brightness and colours describe the whole picture, which 320 px shows as well as 1024.
  const grey = toGrey(pixels, s.channels);
  const measured = {
    phash: hashIfDetailed(boxResizeGrey(grey, s.width, s.height, PHASH_SIZE, PHASH_SIZE)),
    sharpness,
    brightness: meanBrightness(grey),
    dominantColors: dominantColors(pixels, s.channels),
  };
  const [jpeg, webp, exif] = await Promise.all([analysisJpeg, thumbnail, exifPromise]);
  return {
    format: meta.format === "heif" ? "avif" : meta.format,
    width,
    height,
    aspect: width / height,
    analysisJpeg: jpeg,
    thumbnailWebp: webp,
    ...measured,
    exif,
  };
}

/** The perceptual hash, or null when the image has no detail to hash (see MIN_HASH_DETAIL). */
function hashIfDetailed(grey: Uint8Array): string | null {
  let sum = 0;
  let sumSq = 0;
  for (const v of grey) {
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / grey.length;
  return Math.sqrt(Math.max(0, sumSq / grey.length - mean * mean)) < MIN_HASH_DETAIL ? null : phashFromGrey(grey);
}

/** A promise awaited after other work: if that work throws first, its rejection must not crash the process as unhandled. */
function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

