// The end-marker check that explains a failed decode when libvips gives no reason.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { endsEarly, inputEndsEarly } from "@/lib/images/truncation";

const base = () => sharp({ create: { width: 64, height: 48, channels: 3, background: "#3a7" } });

describe("inputEndsEarly", () => {
  it("tells whole files from cut ones for JPEG, PNG, GIF and WebP", async () => {
    const files = {
      jpeg: await base().jpeg().toBuffer(),
      png: await base().png().toBuffer(),
      gif: await base().gif().toBuffer(),
      webp: await base().webp().toBuffer(),
    };
    for (const [format, whole] of Object.entries(files)) {
      expect(await inputEndsEarly(format, whole), `${format} whole`).toBe(false);
      expect(await inputEndsEarly(format, whole.subarray(0, whole.length - 5)), `${format} cut`).toBe(true);
    }
  });

  it("reads a file on disk the same way, and answers null when it cannot tell", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trunc-"));
    const jpeg = await base().jpeg().toBuffer();
    await writeFile(path.join(dir, "whole.jpg"), jpeg);
    await writeFile(path.join(dir, "cut.jpg"), jpeg.subarray(0, jpeg.length >> 1));
    expect(await inputEndsEarly("jpeg", path.join(dir, "whole.jpg"))).toBe(false);
    expect(await inputEndsEarly("jpeg", path.join(dir, "cut.jpg"))).toBe(true);
    expect(await inputEndsEarly("jpeg", path.join(dir, "missing.jpg"))).toBeNull();
    expect(await inputEndsEarly("tiff", jpeg)).toBeNull();
  });

  it("accepts zero padding after a JPEG's end marker", () => {
    expect(endsEarly("jpeg", Buffer.from([0x12, 0xff, 0xd9, 0, 0, 0]), 100)).toBe(false);
    expect(endsEarly("jpeg", Buffer.from([0x12, 0xff, 0xd9, 0x41]), 100)).toBe(true);
  });
});
