// An Instagram-ready JPEG from a stored original: auto-oriented (the crop boxes
// are relative to the oriented image), cropped to exactly the ratio around the
// suggested box, 1080 px wide, sRGB, metadata stripped (no GPS leaks), and at
// most 8 MB (Instagram's limit) by lowering the quality if ever needed.
import sharp from "sharp";
import type { CropBox, InstagramRatio } from "@/lib/llama/types";
import { exactCrop, OUTPUT_SIZE } from "@/lib/organize/crops";

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
const QUALITIES = [90, 82, 74, 66, 58, 50];

export async function renderInstagramJpeg(
  original: Buffer,
  box: CropBox | null,
  ratio: InstagramRatio,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<Buffer> {
  const meta = await sharp(original).metadata();
  const { width: w, height: h } = meta.autoOrient;
  const rect = exactCrop(box, ratio, w, h);
  const size = OUTPUT_SIZE[ratio];
  // Decode, orient, crop and resize once; only the encoding is repeated.
  const { data, info } = await sharp(original, { failOn: "none" })
    .autoOrient()
    .extract(rect)
    .resize(size.width, size.height, { fit: "fill" })
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  let out: Buffer | undefined;
  for (const quality of QUALITIES) {
    out = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .jpeg({ quality, chromaSubsampling: "4:4:4" })
      .toBuffer();
    if (out.length <= maxBytes) return out;
  }
  throw new Error(`could not encode a JPEG under ${maxBytes} bytes`);
}
