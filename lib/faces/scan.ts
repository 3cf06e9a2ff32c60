// One image through the face stage: decode to RGB at the analysis size, detect,
// keep what counts as faces with their eyes and sharpness measured.
import { getEnv } from "@/lib/env";
import { toGrey } from "@/lib/images/metrics";
import { decodeImage } from "@/lib/images/sharp";
import { detectFaces } from "./detector";
import { toFaceFacts, type FaceFact } from "./measure";

/**
 * Faces in an encoded image, largest first. The stage passes the stored
 * analysis JPEG (already oriented and at most ANALYSIS_MAX_SIDE); an original
 * is oriented and shrunk the same way, so both give the same answer.
 */
export async function scanImage(input: Buffer): Promise<FaceFact[]> {
  const side = getEnv().ANALYSIS_MAX_SIDE;
  const { data, info } = await decodeImage(input)
    .autoOrient()
    .resize(side, side, { fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const raw = await detectFaces(rgb, info.width, info.height);
  return toFaceFacts(raw, toGrey(rgb, 3), info.width, info.height);
}
