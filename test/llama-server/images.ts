// Prompt tokens of the images of a request, as a Llama 4 endpoint counts them:
// by the tiles the image's REAL dimensions need (read from the JPEG/PNG header
// with sharp, never decoded), or the old flat price per image.
import sharp from "sharp";
import { IMAGE_TOKENS, llama4ImageTokens } from "@/lib/llama/tokens";

export type ImageTokenMode = "tiling" | "flat";

export interface ImageCharge {
  tokens: number;
  /** Each image's size, undefined where the header could not be read. */
  sizes: ({ width: number; height: number } | undefined)[];
  /** Images whose header could not be read; charged the worst case (IMAGE_TOKENS), never less. */
  unreadable: number;
}

/** Width and height from a `data:image/...;base64,` URL's header, or undefined when it is not an image sharp knows. */
export async function dataUrlSize(url: string): Promise<{ width: number; height: number } | undefined> {
  const comma = url.indexOf(",");
  if (comma < 0 || !url.slice(0, comma).endsWith(";base64")) return undefined;
  try {
    const meta = await sharp(Buffer.from(url.slice(comma + 1), "base64")).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : undefined;
  } catch {
    return undefined;
  }
}

/** The sizes are read in both modes: the answers' crops follow them. */
export async function imageTokens(urls: readonly string[], mode: ImageTokenMode): Promise<ImageCharge> {
  const sizes = await Promise.all(urls.map(dataUrlSize));
  if (mode === "flat") return { tokens: urls.length * IMAGE_TOKENS, unreadable: 0, sizes };
  let tokens = 0;
  let unreadable = 0;
  for (const size of sizes) {
    if (size) tokens += llama4ImageTokens(size.width, size.height);
    else {
      // Test payloads that are not images (random bytes) still cost something, and
      // the most an image can: the benchmark must not get cheaper by accident.
      tokens += IMAGE_TOKENS;
      unreadable++;
    }
  }
  return { tokens, unreadable, sizes };
}
