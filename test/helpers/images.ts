// Generated test photos (sharp draws them; no fixtures on disk). A "scene" is
// smooth random blobs, so different seeds look different to a perceptual hash
// and a resized/re-encoded copy looks the same.
import sharp, { type Sharp } from "sharp";

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function scene(seed: number, width = 640, height = 480): Promise<Sharp> {
  const rnd = seeded(seed);
  const cw = 8;
  const ch = 6;
  const coarse = Buffer.alloc(cw * ch * 3);
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.floor(rnd() * 256);
  const raw = await sharp(coarse, { raw: { width: cw, height: ch, channels: 3 } })
    .resize(width, height, { kernel: "cubic" })
    .raw()
    .toBuffer();
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

export async function sceneJpeg(seed: number, width = 640, height = 480, quality = 90): Promise<Buffer> {
  return (await scene(seed, width, height)).jpeg({ quality }).toBuffer();
}

/**
 * A 1200 x 900 scene with fine detail (thin stripes), so blur is measurable, as
 * a JPEG; `blur` (a Gaussian sigma in pixels) softens it before encoding.
 */
export async function detailedJpeg(seed: number, blur = 0): Promise<Buffer> {
  const bars = Array.from({ length: 60 }, (_, i) => `<rect x="${i * 20}" y="0" width="6" height="900" fill="#000" fill-opacity="0.3"/>`).join("");
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">${bars}</svg>`);
  const detailed = (await scene(seed, 1200, 900)).composite([{ input: svg }]);
  if (blur === 0) return detailed.jpeg({ quality: 90 }).toBuffer();
  // Composite first, then blur: one sharp pipeline would blur the scene under the stripes only.
  return sharp(await detailed.png().toBuffer()).blur(blur).jpeg({ quality: 90 }).toBuffer();
}

/** The same scene, smaller, slightly brighter and re-encoded: a near-duplicate. */
export async function nearDuplicateOf(jpeg: Buffer): Promise<Buffer> {
  const meta = await sharp(jpeg).metadata();
  return sharp(jpeg)
    .resize(Math.round(meta.width * 0.8))
    .modulate({ brightness: 1.04 })
    .jpeg({ quality: 70 })
    .toBuffer();
}
