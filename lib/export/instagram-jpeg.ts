// An Instagram-ready JPEG from a stored original: auto-oriented (the crop boxes
// are relative to the oriented image), cropped to exactly the ratio around the
// suggested box, 1080 px wide or 1440 when asked (narrower crops keep their
// own width, at least 320 px), sRGB, the camera's metadata stripped (no GPS
// leaks) with only our XMP embedded when given (caption, keywords, rating),
// and at most 8 MB (Instagram's limit) by lowering the quality if ever needed.
import { decodeImage, readImageHeader, tooManyPixels, TRANSPARENT_BACKDROP } from "@/lib/images";
import { getEnv } from "@/lib/env";
import type { CropBox } from "@/lib/llama/types";
import { exactCrop, outputSize, type ExportRatio, type ExportWidth } from "@/lib/organize/crops";

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
const QUALITIES = [90, 82, 74, 66, 58, 50];

export async function renderInstagramJpeg(
  original: Buffer,
  box: CropBox | null,
  ratio: ExportRatio,
  maxBytes = MAX_UPLOAD_BYTES,
  opts: { width?: ExportWidth; xmp?: string } = {},
): Promise<Buffer> {
  const meta = await readImageHeader(original);
  const { width: w, height: h } = meta.autoOrient;
  // Named here, from the header; decodeImage would refuse it too, with libvips' words.
  const maxPixels = getEnv().MAX_IMAGE_PIXELS;
  if (w * h > maxPixels) throw tooManyPixels(w * h, maxPixels);
  const rect = exactCrop(box, ratio, w, h);
  const size = outputSize(ratio, rect.width, opts.width);
  // One pipeline from the original straight to the JPEG. A 1080 px JPEG is far
  // under the limit at the first quality, so the others are almost never
  // tried; holding a decoded raw copy to re-encode from (4.4 MB per 4:5 photo)
  // cost more native memory across a 10,000-photo export than the rare
  // second decode costs time.
  for (const quality of QUALITIES) {
    const pipeline = decodeImage(original, { failOn: "none" })
      .autoOrient()
      .extract(rect)
      .resize(size.width, size.height, { fit: "fill" })
      // JPEG has no alpha: transparency shows the same grey the app showed.
      .flatten({ background: TRANSPARENT_BACKDROP })
      .toColourspace("srgb")
      .jpeg({ quality, chromaSubsampling: "4:4:4" });
    const out = await (opts.xmp ? pipeline.withXmp(opts.xmp) : pipeline).toBuffer();
    if (out.length <= maxBytes) return out;
  }
  throw new Error(`could not encode a JPEG under ${maxBytes} bytes`);
}
