// One photo through the pipeline: decode ONCE (EXIF orientation applied, JPEG
// shrink-on-load) to the analysis size; derive the analysis JPEG, thumbnail,
// perceptual hash, sharpness, brightness and colours from that one small buffer.
import type { Sharp } from "sharp";
import { getEnv } from "@/lib/env";
import { ImageError, TRUNCATED_REASON, imageErrorFrom, isUnexplained } from "./errors";
import { readExif, type ExifFacts } from "./exif";
import { boxResizeGrey, dominantColors, laplacianVariance, meanBrightness, toGrey } from "./metrics";
import { PHASH_SIZE, phashFromGrey } from "./phash";
import { configureSharp } from "./sharp";
import { inputEndsEarly } from "./truncation";

export const THUMB_SIDE = 320;
/** Sharpness is measured at this longest side, so values compare across photos. */
export const METRICS_SIDE = 512;

export interface ProcessOptions {
  analysisMaxSide?: number;
  maxPixels?: number;
}

export interface ProcessedImage {
  format: string;
  width: number;
  height: number;
  aspect: number;
  analysisJpeg: Buffer;
  thumbnailWebp: Buffer;
  phash: string;
  sharpness: number;
  brightness: number;
  dominantColors: string[];
  exif: ExifFacts;
}

const READABLE = new Set(["jpeg", "png", "webp", "gif", "tiff", "heif"]);

export async function processImage(input: Buffer | string, opts: ProcessOptions = {}): Promise<ProcessedImage> {
  const sharp = configureSharp();
  const env = getEnv();
  const analysisMaxSide = opts.analysisMaxSide ?? env.ANALYSIS_MAX_SIDE;
  const maxPixels = opts.maxPixels ?? env.MAX_IMAGE_PIXELS;
  // failOn "error": truncated or corrupt pixel data fails the photo instead of
  // producing a half-grey image; mere warnings (common in camera files) pass.
  const open = () => sharp(input, { failOn: "error", limitInputPixels: maxPixels, sequentialRead: true });

  let meta;
  try {
    // Header only (no pixels decoded), so no pixel limit yet: the check below names the numbers.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw imageErrorFrom(err);
  }
  if (!READABLE.has(meta.format)) throw new ImageError(`"${meta.format}" images are not supported.`);
  if (meta.format === "heif" && meta.compression !== "av1") {
    throw new ImageError("HEIC/HEIF photos cannot be decoded here; export them as JPEG.");
  }
  if (meta.width * meta.height > maxPixels) {
    throw new ImageError(
      `The image is ${mp(meta.width * meta.height)} megapixels; the limit is ${mp(maxPixels)} (a decompression bomb or a huge scan).`,
    );
  }
  const { width, height } = meta.autoOrient;

  // The single decode, straight to the analysis size: sharp asks libjpeg for a
  // 1/2, 1/4 or 1/8 scale decode when the reduction allows it, so full-size
  // pixels never exist in memory. Everything else comes from this buffer. The
  // 1440 px preview is not made here (see renderPreview and
  // docs/decisions/ingest-lazy-preview.md): it cost more than the decode itself.
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  const exifPromise = readExif(input);
  try {
    let pipeline: Sharp = open()
      .autoOrient()
      .resize(analysisMaxSide, analysisMaxSide, { fit: "inside", withoutEnlargement: true });
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: "#ffffff" });
    decoded = await pipeline.toColourspace("srgb").removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    await exifPromise.catch(() => undefined);
    throw await decodeFailure(err, meta.format, input);
  }

  const raw = { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels as 3 };
  const inside = (side: number) => ({ width: side, height: side, fit: "inside" as const, withoutEnlargement: true });
  // One 512 px RGB copy for everything small: the thumbnail is made from it,
  // and sharpness (blur shows better at 512 than at thumbnail size), brightness,
  // colours and the hash read its grey version in plain JS.
  const [analysisJpeg, mid, exif] = await Promise.all([
    sharp(decoded.data, { raw }).jpeg({ quality: 85 }).toBuffer(),
    // Linear is enough for measuring and is cheaper than the default Lanczos.
    sharp(decoded.data, { raw }).resize({ ...inside(METRICS_SIDE), kernel: "linear" }).raw().toBuffer({ resolveWithObject: true }),
    exifPromise,
  ]);
  const m = { width: mid.info.width, height: mid.info.height, channels: mid.info.channels as 3 };
  // The thumbnail encodes on libvips' thread while the measurements run here.
  const thumbnail = sharp(mid.data, { raw: m }).resize(inside(THUMB_SIDE)).webp({ quality: 75, effort: 0 }).toBuffer();
  const grey = toGrey(mid.data, m.channels);
  const measured = {
    phash: phashFromGrey(boxResizeGrey(grey, m.width, m.height, PHASH_SIZE, PHASH_SIZE)),
    sharpness: laplacianVariance(grey, m.width, m.height),
    brightness: meanBrightness(grey),
    dominantColors: dominantColors(mid.data, m.channels),
  };
  return {
    format: meta.format === "heif" ? "avif" : meta.format,
    width,
    height,
    aspect: width / height,
    analysisJpeg,
    thumbnailWebp: await thumbnail,
    ...measured,
    exif,
  };
}

/** The decoder's reason; when libvips lost it, the file's own end marker says whether it was cut short. */
async function decodeFailure(err: unknown, format: string, input: Buffer | string): Promise<ImageError> {
  if (isUnexplained(err) && (await inputEndsEarly(format, input))) return new ImageError(TRUNCATED_REASON);
  return imageErrorFrom(err);
}

const mp = (pixels: number) => (pixels / 1e6).toFixed(1);
