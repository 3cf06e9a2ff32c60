// An Instagram-ready JPEG from a stored original: auto-oriented (the crop boxes
// are relative to the oriented image), cropped to exactly the ratio around the
// suggested box, 1080 px wide (narrower crops keep their own width, at least
// 320 px), sRGB, metadata stripped (no GPS leaks), and at most 8 MB
// (Instagram's limit) by lowering the quality if ever needed.
import { configureSharp } from "@/lib/images/sharp";
import type { CropBox, InstagramRatio } from "@/lib/llama/types";
import { exactCrop, outputSize } from "@/lib/organize/crops";

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
const QUALITIES = [90, 82, 74, 66, 58, 50];

export async function renderInstagramJpeg(
  original: Buffer,
  box: CropBox | null,
  ratio: InstagramRatio,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<Buffer> {
  // Process-wide settings (no libvips cache): an export run on photos the
  // image pipeline handled in an earlier run would otherwise get the defaults.
  const sharp = configureSharp();
  const meta = await sharp(original).metadata();
  const { width: w, height: h } = meta.autoOrient;
  const rect = exactCrop(box, ratio, w, h);
  const size = outputSize(ratio, rect.width);
  // One pipeline from the original straight to the JPEG. A 1080 px JPEG is far
  // under the limit at the first quality, so the others are almost never
  // tried; holding a decoded raw copy to re-encode from (4.4 MB per 4:5 photo)
  // cost more native memory across a 10,000-photo export than the rare
  // second decode costs time.
  for (const quality of QUALITIES) {
    const out = await sharp(original, { failOn: "none" })
      .autoOrient()
      .extract(rect)
      .resize(size.width, size.height, { fit: "fill" })
      .toColourspace("srgb")
      .jpeg({ quality, chromaSubsampling: "4:4:4" })
      .toBuffer();
    if (out.length <= maxBytes) return out;
  }
  throw new Error(`could not encode a JPEG under ${maxBytes} bytes`);
}
