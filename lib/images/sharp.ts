// The one door to sharp for the whole server: every decode of a stored or
// uploaded image (ingest, preview, export, re-measure, anything later) opens it
// through decodeImage, which applies MAX_IMAGE_PIXELS (libvips checks it from
// the header, before any pixel is decoded). Without it sharp's own default
// (~268 megapixels) applied: a 16,000 x 16,000 16-bit PNG the pipeline had
// refused cost ~5 s of CPU and +210 MB on every export of an album holding it
// (issue 13, finding 2). test/unit/images-sharp-door.test.ts keeps every other
// file from importing sharp.
import sharp, { type Metadata, type Sharp } from "sharp";
import { getEnv } from "@/lib/env";

let done = false;

/** The process-wide settings (benchmarks that compare bare sharp call it too). */
export function configureSharp(): void {
  if (done) return;
  // libvips' operation cache keeps decoded inputs around; photos are each
  // processed once, so the cache only costs memory.
  sharp.cache(false);
  done = true;
}

function configured(): typeof sharp {
  configureSharp();
  return sharp;
}

export interface DecodeOptions {
  /** Defaults to MAX_IMAGE_PIXELS. */
  maxPixels?: number;
  /**
   * "error" (default): truncated or corrupt pixel data fails instead of giving
   * a half-grey image; "none" for exports, which render what can be rendered.
   */
  failOn?: "error" | "none";
  sequentialRead?: boolean;
}

/** Opens an encoded image (file path or bytes) for decoding, under the pixel limit. */
export function decodeImage(input: Buffer | string, opts: DecodeOptions = {}): Sharp {
  return configured()(input, {
    failOn: opts.failOn ?? "error",
    limitInputPixels: opts.maxPixels ?? getEnv().MAX_IMAGE_PIXELS,
    sequentialRead: opts.sequentialRead ?? false,
  });
}

/**
 * The header only (format, dimensions, orientation): no pixel is decoded, so
 * no pixel limit applies here - callers compare the dimensions with it
 * themselves when they want to name the numbers.
 */
export function readImageHeader(input: Buffer | string): Promise<Metadata> {
  return configured()(input, { limitInputPixels: false }).metadata();
}

/** Pixels already decoded (and so already within the limit), to encode or resize further. */
export function fromRawPixels(data: Buffer, raw: { width: number; height: number; channels: 1 | 2 | 3 | 4 }): Sharp {
  return configured()(data, { raw });
}

