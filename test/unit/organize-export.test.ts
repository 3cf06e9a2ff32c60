import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { unzip } from "@/test/helpers/zip";
import { captionsCsv, captionsJson, exportEntries, type ExportEntry } from "@/lib/export/entries";
import { renderInstagramJpeg } from "@/lib/export/instagram-jpeg";
import type { ExportFolder, ExportPlan } from "@/lib/export/plan";
import { safeName } from "@/lib/export/plan";
import { xmpSidecar } from "@/lib/export/xmp";
import { zipStream } from "@/lib/export/zip";

/** Left half red, right half blue. */
async function twoColour(width: number, height: number, orientation?: number): Promise<Buffer> {
  const half = Math.floor(width / 2);
  let img = sharp({ create: { width, height, channels: 3, background: "#ff0000" } }).composite([
    { input: { create: { width: width - half, height, channels: 3, background: "#0000ff" } }, left: half, top: 0 },
  ]);
  if (orientation) img = sharp(await img.jpeg().toBuffer()).withMetadata({ orientation });
  return img.jpeg().toBuffer();
}

async function meanRgb(jpeg: Buffer): Promise<number[]> {
  const s = await sharp(jpeg).stats();
  return s.channels.slice(0, 3).map((c) => c.mean);
}

describe("renderInstagramJpeg", () => {
  it("crops to the box at exactly 1080 px wide for each ratio", async () => {
    const src = await twoColour(2400, 1800);
    const right = { x: 0.55, y: 0, width: 0.45, height: 1 };
    for (const [ratio, w, h] of [["4:5", 1080, 1350], ["1:1", 1080, 1080], ["1.91:1", 1080, 566]] as const) {
      const out = await renderInstagramJpeg(src, right, ratio);
      const meta = await sharp(out).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", w, h]);
    }
    // The 4:5 rectangle around the box is wider than the box: a sixth of it comes from the red half.
    const [r, , b] = await meanRgb(await renderInstagramJpeg(src, right, "4:5"));
    expect(b).toBeGreaterThan(200);
    expect(r).toBeLessThan(60);
    const [r2, , b2] = await meanRgb(await renderInstagramJpeg(src, { x: 0, y: 0, width: 0.4, height: 1 }, "4:5"));
    expect(r2).toBeGreaterThan(200);
    expect(b2).toBeLessThan(60);
  });
  it("keeps a narrower crop's own width instead of enlarging it, down to Instagram's 320 px minimum", async () => {
    const small = await twoColour(800, 600);
    for (const [ratio, w, h] of [["4:5", 480, 600], ["1:1", 600, 600], ["1.91:1", 800, 419]] as const) {
      const meta = await sharp(await renderInstagramJpeg(small, null, ratio)).metadata();
      expect([meta.width, meta.height]).toEqual([w, h]);
    }
    const tiny = await sharp(await renderInstagramJpeg(await twoColour(200, 150), null, "4:5")).metadata();
    expect([tiny.width, tiny.height]).toEqual([320, 400]);
  });
  it("applies the EXIF orientation before cropping (boxes are relative to the upright image)", async () => {
    // Stored 800x600 with orientation 6 (rotate 90° clockwise): upright it is 600x800, red on top.
    const src = await twoColour(800, 600, 6);
    const top = { x: 0, y: 0, width: 1, height: 0.45 };
    const [r, , b] = await meanRgb(await renderInstagramJpeg(src, top, "1.91:1"));
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(40);
  });
  it("lowers the quality to fit the size limit, and says so when it cannot", async () => {
    const noisy = await sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } }).jpeg().toBuffer();
    const big = await renderInstagramJpeg(noisy, null, "1:1");
    const limited = await renderInstagramJpeg(noisy, null, "1:1", Math.floor(big.length * 0.8));
    expect(limited.length).toBeLessThanOrEqual(big.length * 0.8);
    await expect(renderInstagramJpeg(noisy, null, "1:1", 1000)).rejects.toThrow(/under 1000 bytes/);
  });
});

describe("sidecars and captions", () => {
  it("writes dc:description and dc:subject, escaped", () => {
    const x = xmpSidecar({
      title: "a&b.jpg", description: 'Sun <set> "here"', category: null, tags: ["beach"], hashtags: ["#sun&sea"], altText: null, rating: null, flag: null,
    });
    expect(x).toContain("<dc:description>");
    expect(x).toContain("Sun &lt;set&gt; &quot;here&quot;");
    expect(x).toContain("<rdf:li>sun&amp;sea</rdf:li>");
    expect(x).not.toContain("AltTextAccessibility");
    expect(x).not.toMatch(/<set>/);
  });
  it("quotes CSV fields with commas, quotes and newlines", () => {
    const folder: ExportFolder = {
      name: "Best picks",
      kind: "BEST",
      photos: [
        {
          photoId: "p1", contentHash: "h", originalName: "a.jpg", file: "001-a", crop: null, aiAnalysed: true,
          caption: 'Hello, "world"\nline two', hashtags: ["#a", "#b"], altText: "alt", description: null, tags: [],
          category: "food", instagramScore: 8.5, qualityScore: 7, rating: null, flag: null, faceCount: 3, faceProblems: ["eyes closed in 1 of 3 faces"],
        },
      ],
    };
    const csv = captionsCsv(folder).replace(/^\uFEFF/, "");
    expect(csv.split("\n")[0]).toBe("file,album,original_name,caption,hashtags,alt_text,category,instagram_score,quality_score,rating,flag,people,face_problems,analysed_by_ai");
    expect(csv).toContain('001-a.jpg,Best picks,a.jpg,"Hello, ""world""\nline two",#a #b,alt,food,8.5,7,,,3,eyes closed in 1 of 3 faces,yes');
    expect(JSON.parse(captionsJson(folder)).photos[0]).toMatchObject({ people: 3, faceProblems: ["eyes closed in 1 of 3 faces"] });
  });
  it("neutralises cells that a spreadsheet would run as formulas (= + - @ TAB CR)", () => {
    const base = {
      photoId: "p1", contentHash: "h", crop: null, aiAnalysed: true, altText: null, description: null, tags: [],
      category: null, instagramScore: -1, qualityScore: 7, rating: null, flag: null, faceCount: null, faceProblems: [],
    };
    const hostile = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"];
    const folder: ExportFolder = {
      name: "Food",
      kind: "CATEGORY",
      photos: hostile.map((caption, i) => ({ ...base, originalName: `=${i}.jpg`, file: `00${i}`, caption, hashtags: ["@me"] })),
    };
    const csv = captionsCsv(folder).replace(/^\uFEFF/, "");
    const rows = csv.trimEnd().split(/\n(?=\d)/).slice(1);
    expect(rows).toHaveLength(hostile.length);
    for (const [i, row] of rows.entries()) {
      // Every text cell that started with a trigger now starts with an apostrophe (quoted where CSV needs it).
      expect(row).toContain(`'=${i}.jpg`);
      expect(row).toContain("'@me");
      expect(row).toMatch(new RegExp(`^00${i}\\.jpg,Food,'=${i}\\.jpg,"?'[=+\\-@\\t\\r]`));
    }
    // A number is data, not a formula: a negative score stays a number.
    expect(rows[0]).toContain(",-1,7,,,,,yes");
  });
  it("makes safe file names", () => {
    expect(safeName("../../etc/passwd")).toBe("etc passwd");
    expect(safeName("  ..  ")).toBe("untitled");
    expect(safeName("Best picks")).toBe("Best picks");
  });
});

describe("export stream", () => {
  it("yields a JPEG and sidecar per photo, CSV and JSON per folder, and reports unreadable originals", async () => {
    const jpeg = await twoColour(400, 300);
    const photo = (id: string, file: string) => ({
      photoId: id, contentHash: id, originalName: `${file}.jpg`, file, crop: null, aiAnalysed: true, caption: "c",
      hashtags: ["#x"], altText: "a", description: "d", tags: ["t"], category: "food", instagramScore: 5, qualityScore: 5, rating: null, flag: null, faceCount: null, faceProblems: [],
    });
    const plan: ExportPlan = {
      title: "t",
      ratio: "1:1",
      width: 1080,
      folders: [{ name: "Food", kind: "CATEGORY", photos: [photo("ok", "001-ok"), photo("missing", "002-missing")] }],
    };
    const paths: string[] = [];
    for await (const e of exportEntries(plan, async (h) => (h === "ok" ? jpeg : Promise.reject(new Error("gone"))))) paths.push(e.path);
    expect(paths).toEqual(["Food/001-ok.jpg", "Food/001-ok.xmp", "Food/captions.csv", "Food/captions.json", "export-problems.txt"]);
  });

  it("renders ahead in parallel when asked, at most that many at a time, and yields in the same order", async () => {
    const jpeg = await twoColour(400, 300);
    const photo = (id: string) => ({
      photoId: id, contentHash: id, originalName: `${id}.jpg`, file: id, crop: null, aiAnalysed: true, caption: "c",
      hashtags: [], altText: null, description: null, tags: [], category: null, instagramScore: 5, qualityScore: 5, rating: null, flag: null, faceCount: null, faceProblems: [],
    });
    const plan: ExportPlan = {
      title: "t",
      ratio: "1:1",
      width: 1080,
      folders: [
        { name: "A", kind: "CATEGORY", photos: ["a1", "a2", "gone", "a3"].map(photo) },
        { name: "B", kind: "CATEGORY", photos: ["b1", "b2", "b3"].map(photo) },
      ],
    };
    const run = async (renderAhead: number) => {
      let inFlight = 0;
      let most = 0;
      // Loads are started together, up to renderAhead, before any is awaited: one
      // that has not finished by the next turn is enough to see how many overlap.
      const load = async (hash: string) => {
        most = Math.max(most, ++inFlight);
        await Promise.resolve();
        inFlight--;
        if (hash === "gone") throw new Error("gone");
        return jpeg;
      };
      const paths: string[] = [];
      for await (const e of exportEntries(plan, load, { renderAhead })) paths.push(e.path);
      return { paths, most };
    };
    const one = await run(1);
    const three = await run(3);
    expect(one.most).toBe(1);
    expect(three.most).toBe(3);
    expect(three.paths).toEqual(one.paths);
    expect(one.paths.filter((p) => p.endsWith(".jpg"))).toEqual(["A/a1.jpg", "A/a2.jpg", "A/a3.jpg", "B/b1.jpg", "B/b2.jpg", "B/b3.jpg"]);
    expect(one.paths.at(-1)).toBe("export-problems.txt");
  });

  it("streams: the producer waits for the reader, and the ZIP reads back whole", async () => {
    let produced = 0;
    const payloads = Array.from({ length: 24 }, () => randomBytes(512 * 1024));
    async function* entries(): AsyncGenerator<ExportEntry> {
      for (const [i, data] of payloads.entries()) {
        produced++;
        yield { path: `album/${i}.bin`, data, compressed: true };
      }
    }
    const zip = zipStream(entries());
    // Nobody reads yet: the producer must stall after a few entries (buffers are
    // bounded), not run through all 12 MB.
    await sleep(300);
    expect(produced).toBeLessThan(8);
    const chunks: Buffer[] = [];
    for await (const c of zip) chunks.push(c as Buffer);
    expect(produced).toBe(24);
    const files = await unzip(Buffer.concat(chunks));
    expect([...files.keys()]).toHaveLength(24);
    expect(files.get("album/7.bin")?.equals(payloads[7]!)).toBe(true);
  });

  it("stops producing when the download is aborted", async () => {
    let produced = 0;
    async function* entries(): AsyncGenerator<ExportEntry> {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield { path: `${i}.bin`, data: randomBytes(256 * 1024), compressed: true };
      }
    }
    const ac = new AbortController();
    const zip = zipStream(entries(), ac.signal);
    zip.on("error", () => undefined);
    let read = 0;
    for await (const c of zip) {
      read += (c as Buffer).length;
      if (read > 1024 * 1024) {
        ac.abort();
        break;
      }
    }
    await sleep(100);
    expect(produced).toBeLessThan(20);
  });
});
