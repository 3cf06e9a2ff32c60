// A photo the pipeline cannot use. The message is shown to people as the
// photo's stateReason, so it says what is wrong in plain words. It is an
// AppError (422) so that a request which meets it (a failed photo's preview)
// gets that reason, not an unhandled 500.
import { AppError } from "@/lib/errors";

export class ImageError extends AppError {
  constructor(message: string) {
    super("unprocessable", message);
    this.name = "ImageError";
  }
}

/** The pixel limit (MAX_IMAGE_PIXELS), with the numbers. */
export function tooManyPixels(pixels: number, maxPixels: number): ImageError {
  const mp = (n: number) => (n / 1e6).toFixed(1);
  return new ImageError(`The image is ${mp(pixels)} megapixels; the limit is ${mp(maxPixels)} (a decompression bomb or a huge scan).`);
}

export const TRUNCATED_REASON = "The image file is truncated (incomplete copy or download).";

/** sharp's text when libvips lost its own message (it happens under concurrent decodes). */
export function isUnexplained(err: unknown): boolean {
  const msg = (err instanceof Error ? err.message : String(err)).trim();
  return msg === "" || /^unknown error$/i.test(msg);
}

/** Turns libvips/sharp's decoder messages into a reason a person understands. */
export function imageErrorFrom(err: unknown): ImageError {
  if (err instanceof ImageError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(msg)) return new ImageError("The file is not an image format we can read.");
  if (/pixel limit/i.test(msg)) return new ImageError("The image has too many pixels to process safely.");
  if (/premature end|truncated|unexpected end|not enough data|end of (file|stream)/i.test(msg)) {
    return new ImageError(TRUNCATED_REASON);
  }
  if (/heif|hevc|compression format has not been built in/i.test(msg)) {
    return new ImageError("HEIC/HEIF photos cannot be decoded here; export them as JPEG.");
  }
  return new ImageError(`The image is corrupt and could not be decoded (${msg.split("\n")[0]?.slice(0, 160)}).`);
}
