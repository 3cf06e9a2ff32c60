// The XMP of an export as other tools read it: exiftool (Phil Harvey's
// Image::ExifTool, what Lightroom-compatible workflows check with) must find
// the rating, the flat and the hierarchical keywords, in the sidecar and in
// the JPEG itself, and a rejected photo must read as rating -1.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { renderInstagramJpeg } from "@/lib/export/instagram-jpeg";
import { xmpSidecar, type SidecarFields } from "@/lib/export/xmp";

const dir = mkdtempSync(path.join(tmpdir(), "xmp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exiftool(file: string): Record<string, unknown> {
  const out = execFileSync("exiftool", ["-j", "-XMP:all", file], { encoding: "utf8" });
  return (JSON.parse(out) as Record<string, unknown>[])[0]!;
}

const fields: SidecarFields = {
  title: "IMG_1.jpg",
  description: "Golden light over the bay",
  category: "travel",
  tags: ["beach", "sunset"],
  hashtags: ["#GoldenHour", "#beach"],
  altText: "A beach at sunset",
  rating: 4,
  flag: "PICK",
};

describe("XMP read back by exiftool", () => {
  it("a sidecar carries the rating, dc:subject and lr:hierarchicalSubject", () => {
    const file = path.join(dir, "a.xmp");
    writeFileSync(file, xmpSidecar(fields));
    const t = exiftool(file);
    expect(t.Rating).toBe(4);
    expect(t.Subject).toEqual(["travel", "beach", "sunset", "GoldenHour"]);
    expect(t.HierarchicalSubject).toEqual(["Category|travel", "Tags|beach", "Tags|sunset", "Hashtags|GoldenHour", "Hashtags|beach"]);
    expect(t.Description).toBe("Golden light over the bay");
  });

  it("a rejected photo reads as rating -1; an unrated one has no rating", () => {
    const rejected = path.join(dir, "r.xmp");
    writeFileSync(rejected, xmpSidecar({ ...fields, flag: "REJECT" }));
    expect(exiftool(rejected).Rating).toBe(-1);
    const unrated = path.join(dir, "u.xmp");
    writeFileSync(unrated, xmpSidecar({ ...fields, rating: null, flag: null }));
    expect(exiftool(unrated).Rating).toBeUndefined();
  });

  it("the exported JPEG embeds the same XMP and nothing of the camera's metadata", async () => {
    const original = await sharp({ create: { width: 3000, height: 4000, channels: 3, background: "#3a6" } })
      .withExif({ IFD0: { Make: "SecretCam" }, IFD3: { GPSLatitudeRef: "N" } })
      .jpeg()
      .toBuffer();
    const jpeg = await renderInstagramJpeg(original, null, "3:4", undefined, { width: 1440, xmp: xmpSidecar(fields) });
    const meta = await sharp(jpeg).metadata();
    expect([meta.width, meta.height]).toEqual([1440, 1920]);
    expect(meta.exif).toBeUndefined();
    const file = path.join(dir, "a.jpg");
    writeFileSync(file, jpeg);
    const t = exiftool(file);
    expect(t.Rating).toBe(4);
    expect(t.HierarchicalSubject).toContain("Category|travel");
    expect(JSON.stringify(t)).not.toContain("SecretCam");
  });
});
