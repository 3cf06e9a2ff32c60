// Every decode in the server goes through lib/images/sharp.ts, which applies
// MAX_IMAGE_PIXELS (issue 13, finding 2): an export opened sharp by itself and
// decoded a 256-megapixel PNG the pipeline had refused. This keeps it so.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { renderInstagramJpeg } from "@/lib/export/instagram-jpeg";
import { renderPreview } from "@/lib/images/preview";
import { processImage } from "@/lib/images/process";

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

describe("the one door to sharp", () => {
  it("no server file but lib/images/sharp.ts imports sharp's values", () => {
    const offenders = [...sources(path.join(root, "lib")), ...sources(path.join(root, "app"))]
      .filter((f) => path.relative(root, f) !== path.join("lib", "images", "sharp.ts"))
      .filter((f) => /^\s*import\s+(?!type\b)[^;]*from\s+["']sharp["']|require\(["']sharp["']\)|import\(["']sharp["']\)/m.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(root, f));
    expect(offenders).toEqual([]);
  });

  afterEach(() => {
    delete process.env.MAX_IMAGE_PIXELS;
    resetEnvCache();
  });

  it("export, preview and the pipeline all refuse an image over MAX_IMAGE_PIXELS", async () => {
    const png = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: "#808080" } }).png().toBuffer();
    expect((await renderInstagramJpeg(png, null, "1:1")).length).toBeGreaterThan(0);
    process.env.MAX_IMAGE_PIXELS = "1000000";
    resetEnvCache();
    await expect(renderInstagramJpeg(png, null, "1:1")).rejects.toThrow(/1\.2 megapixels; the limit is 1\.0/);
    await expect(renderPreview(png)).rejects.toThrow(/too many pixels/);
    await expect(processImage(png)).rejects.toThrow(/1\.2 megapixels; the limit is 1\.0/);
  });
});
