// The image pipeline on generated photos: sizes, orientation, EXIF, hash
// stability, and readable refusals for broken or oversized inputs.
import zlib from "node:zlib";
import sharp from "sharp";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ImageError, hammingDistance, processImage, renderPreview, THUMB_SIDE } from "@/lib/images";
import { readExif } from "@/lib/images/exif";
import { llama4ImageTokens } from "@/lib/llama";
import { nearDuplicateOf, scene, sceneJpeg } from "@/test/helpers/images";

setFlagsFromString("--expose-gc");

describe("processImage", () => {
  it("derives the analysis JPEG and WebP thumbnail at their sizes and measures the photo", async () => {
    const jpeg = await sceneJpeg(1, 2000, 1500);
    const r = await processImage(jpeg, { analysisMaxSide: 1024, analysisMaxTiles: 6 });
    expect(r).toMatchObject({ format: "jpeg", width: 2000, height: 1500 });
    expect(r.aspect).toBeCloseTo(4 / 3);
    // Whole tiles: 3x2 tiles of 336 px (~1,017 tokens), not 1024x768 (12 tiles, ~1,887).
    const a = await sharp(r.analysisJpeg).metadata();
    expect([a.format, a.width, a.height]).toEqual(["jpeg", 896, 672]);
    expect(llama4ImageTokens(896, 672)).toBe(1017);
    // With 16 tiles allowed the longest side is the limit again.
    const big = await sharp((await processImage(jpeg, { analysisMaxSide: 1024, analysisMaxTiles: 16 })).analysisJpeg).metadata();
    expect([big.width, big.height]).toEqual([1024, 768]);
    const t = await sharp(r.thumbnailWebp).metadata();
    expect([t.format, t.width, t.height]).toEqual(["webp", THUMB_SIDE, 240]);
    expect(r.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.brightness).toBeGreaterThan(0.1);
    expect(r.brightness).toBeLessThan(0.9);
    expect(r.dominantColors.length).toBeGreaterThan(0);
    for (const c of r.dominantColors) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("never enlarges a small photo", async () => {
    const r = await processImage(await sceneJpeg(2, 300, 200), { analysisMaxSide: 1024 });
    expect((await sharp(r.analysisJpeg).metadata()).width).toBe(300);
  });

  it("applies EXIF orientation: a sideways-tagged photo reports its upright size", async () => {
    const jpeg = await (await scene(3, 600, 400)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const r = await processImage(jpeg);
    expect([r.width, r.height]).toEqual([400, 600]);
    const a = await sharp(r.analysisJpeg).metadata();
    expect([a.width, a.height]).toEqual([400, 600]);
  });

  it("reads camera, lens, date and GPS from EXIF", async () => {
    const jpeg = await (await scene(4))
      .jpeg()
      .withExif({
        IFD0: { Make: "Canon", Model: "EOS R6" },
        IFD2: { DateTimeOriginal: "2024:06:01 12:34:56", LensModel: "RF 35mm" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 3/1" },
      })
      .toBuffer();
    const { exif } = await processImage(jpeg);
    expect(exif).toMatchObject({ cameraMake: "Canon", cameraModel: "EOS R6", lens: "RF 35mm" });
    expect(exif.takenAt?.getFullYear()).toBe(2024);
    expect(exif.gpsLat).toBeCloseTo(48.8567, 3);
    expect(exif.gpsLon).toBeCloseTo(2.3508, 3);
  });

  it("keeps no memory per photo read for EXIF (exifr caches options per options object, forever)", async () => {
    const gc = runInNewContext("gc") as () => void; // --expose-gc, set below
    const jpeg = await sceneJpeg(5, 64, 48);
    const heapAfterGc = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    await readExif(jpeg);
    const before = heapAfterGc();
    for (let i = 0; i < 3000; i++) await readExif(jpeg);
    // A leak of one cached options object per call (~12 KB) would be ~36 MB here.
    expect(heapAfterGc() - before).toBeLessThan(8 * 2 ** 20);
  });

  it("gives near-duplicates close hashes and different scenes distant ones", async () => {
    const a = await sceneJpeg(10);
    const [ra, rb, rc] = await Promise.all([processImage(a), processImage(await nearDuplicateOf(a)), processImage(await sceneJpeg(11))]);
    // Scenes have detail, so each has a hash (only a blank image has none).
    expect(hammingDistance(ra.phash!, rb.phash!)).toBeLessThanOrEqual(6);
    expect(hammingDistance(ra.phash!, rc.phash!)).toBeGreaterThan(16);
  });

  it("scores a blurred copy as less sharp", async () => {
    const base = await (await scene(12, 800, 600)).composite([{ input: await stripes(800, 600), blend: "over" }]).jpeg().toBuffer();
    const blurred = await sharp(base).blur(4).jpeg().toBuffer();
    const [s, b] = await Promise.all([processImage(base), processImage(blurred)]);
    expect(s.sharpness).toBeGreaterThan(b.sharpness * 2);
  });

  it("reads PNG (with alpha), WebP, GIF, TIFF and AVIF", async () => {
    const base = await scene(13, 320, 240);
    const inputs = await Promise.all([
      base.clone().ensureAlpha(0.5).png().toBuffer(),
      base.clone().webp().toBuffer(),
      base.clone().gif().toBuffer(),
      base.clone().tiff().toBuffer(),
      base.clone().avif({ effort: 0 }).toBuffer(),
    ]);
    const formats = await Promise.all(inputs.map(async (b: Buffer) => (await processImage(b)).format));
    expect(formats).toEqual(["png", "webp", "gif", "tiff", "avif"]);
  });

  it("refuses a truncated JPEG with a readable reason", async () => {
    const jpeg = await sceneJpeg(14, 1200, 900);
    const err = await processImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(/truncated/i);
  });

  it("names truncation even when libvips loses its message under concurrent decodes", async () => {
    // With four decodes in flight sharp said "Unknown error" for ~1 in 4 cut
    // JPEGs (CI saw it); 40 cut decodes would almost surely hit one.
    const reasons = await outcomesWithCutCopiesInFlight((b) => processImage(b), await sceneJpeg(16), 20);
    expect(reasons).toEqual(["The image file is truncated (incomplete copy or download).", "ok"]);
  });

  it("refuses bytes that are not an image", async () => {
    const err = await processImage(Buffer.from("just some text, renamed to .jpg")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(/not an image format/);
  });

  it("stops a decompression bomb by its pixel count before decoding it", async () => {
    // A tiny PNG whose header claims 20000 x 20000 (1.2 GB once decoded).
    const bomb = withPngSize(await sharp({ create: { width: 16, height: 16, channels: 3, background: "#fff" } }).png().toBuffer(), 20000, 20000);
    const err = await processImage(bomb, { maxPixels: 50_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(/400\.0 megapixels; the limit is 50\.0/);
  });
});

describe("renderPreview", () => {
  it("renders an upright WebP no larger than 1440 px", async () => {
    const jpeg = await (await scene(15, 3000, 2000)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const m = await sharp(await renderPreview(jpeg)).metadata();
    expect([m.format, m.width, m.height]).toEqual(["webp", 960, 1440]);
  });

  it("names a truncated original as truncated, also with renders in flight that lose libvips' message", async () => {
    const reasons = await outcomesWithCutCopiesInFlight(renderPreview, await sceneJpeg(17), 50);
    expect(reasons).toEqual(["The image file is truncated (incomplete copy or download).", "ok"]);
  });
});

/**
 * Runs `decode` on a JPEG and on its first half, four at a time (whole, cut,
 * whole, cut) for `rounds` rounds; returns the distinct outcomes, sorted:
 * "ok" or the error's message.
 */
async function outcomesWithCutCopiesInFlight(decode: (b: Buffer) => Promise<unknown>, jpeg: Buffer, rounds: number): Promise<string[]> {
  const cut = jpeg.subarray(0, Math.floor(jpeg.length / 2));
  const outcomes = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const settled = await Promise.allSettled([decode(jpeg), decode(cut), decode(jpeg), decode(cut)]);
    for (const s of settled) outcomes.add(s.status === "fulfilled" ? "ok" : (s.reason as Error).message);
  }
  return [...outcomes].sort();
}

function withPngSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC covers type + data.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(zlib.crc32(out.subarray(12, 29)), 29);
  return out;
}

async function stripes(width: number, height: number): Promise<Buffer> {
  const bars = Array.from({ length: 40 }, (_, i) => `<rect x="${i * 20}" y="0" width="10" height="${height}" fill="#000"/>`).join("");
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${bars}</svg>`);
}
