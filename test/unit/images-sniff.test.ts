// Image type by content: every accepted format, HEIC recognised (to be refused
// by name), and non-images whatever they are called.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { isAccepted, sniffImageType } from "@/lib/images";

const ftyp = (major: string, ...compatible: string[]) => {
  const brands = [major, "\0\0\0\0", ...compatible].join("");
  const box = Buffer.alloc(8 + brands.length);
  box.writeUInt32BE(box.length, 0);
  box.write("ftyp", 4, "latin1");
  box.write(brands, 8, "latin1");
  return Buffer.concat([box, Buffer.alloc(16)]);
};

describe("sniffImageType", () => {
  it("recognises every accepted format from real encoder output", async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: "#345" } });
    const cases = {
      jpeg: await img.clone().jpeg().toBuffer(),
      png: await img.clone().png().toBuffer(),
      webp: await img.clone().webp().toBuffer(),
      gif: await img.clone().gif().toBuffer(),
      tiff: await img.clone().tiff().toBuffer(),
      avif: await img.clone().avif({ effort: 0 }).toBuffer(),
    };
    for (const [type, bytes] of Object.entries(cases)) {
      expect(sniffImageType(bytes.subarray(0, 32))).toBe(type);
      expect(isAccepted(sniffImageType(bytes))).toBe(true);
    }
  });

  it("tells HEIC from AVIF by the ftyp brands", () => {
    expect(sniffImageType(ftyp("heic", "mif1", "heic"))).toBe("heic");
    expect(sniffImageType(ftyp("mif1", "mif1", "heic"))).toBe("heic");
    expect(sniffImageType(ftyp("mif1", "mif1", "avif"))).toBe("avif");
    expect(isAccepted("heic")).toBe(false);
    expect(sniffImageType(ftyp("isom", "mp41"))).toBeNull(); // an MP4 video
  });

  it("refuses text, PDFs, SVG and short files", () => {
    for (const s of ["hello, I am a .jpg", "%PDF-1.7\n", "<svg xmlns='http://www.w3.org/2000/svg'/>", "", "\xff\xd8"]) {
      expect(sniffImageType(Buffer.from(s, "latin1"))).toBeNull();
    }
  });
});
