// npm run bench:upload -- --faces [--n 200] [--mp 12] [--parallel 3] [--rate R] [--prepare]
// Issue 15's bar: "the upload of 200 photos still finishes its thumbnails at the
// pipeline's old speed (faces after)". In one run, on one fresh database, the
// same 200 photos (12 MP JPEGs made from the labelled face set: about half show
// people) are uploaded through receiveUpload (the upload route minus auth)
// while the app server's own background pieces run in this process: the image
// worker (lib/images, one lane per core) and, in the "faces on" runs, the face
// stage with its niced detector process (lib/faces), exactly as
// lib/server/background.ts starts them. Measured per run: when every photo has
// its thumbnail (from the first upload), each photo's wait from its upload to
// its thumbnail (p50 / p95), and with faces on, when the last face scan lands.
// Two scenarios, each off and on:
//   burst: uploads as fast as they go (the image queue stays full: faces wait);
//   paced: uploads at half the speed the pipeline showed in the burst run
//          (--rate overrides), so the queue empties between photos and the face
//          stage, its model loaded, scans between them - the most it can get in
//          the way. "scans landed by then" counts the overlap.
// The order alternates (off, on / on, off) so drift on a shared machine hits both.
// Each run has its own team and freshly salted files (new content hashes), and
// its team is deleted after it, so no run finds another's thumbnails or scans.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";

const { values } = parseArgs({
  options: {
    faces: { type: "boolean", default: true },
    n: { type: "string", default: "200" },
    mp: { type: "string", default: "12" },
    parallel: { type: "string", default: "3" },
    rate: { type: "string" },
    /** Only make the photos (cached in the temp folder), e.g. before taking a quiet machine. */
    prepare: { type: "boolean", default: false },
  },
  strict: false,
});
const n = Number(values.n);
const megapixels = Number(values.mp);
const parallel = Number(values.parallel);
const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);
const fixtures = path.resolve(import.meta.dirname, "../test/fixtures/faces");

/** The labelled photos at camera size, each framed a little differently, with grain (photo-like JPEG cost). */
async function photos(): Promise<Buffer[]> {
  const dir = path.join(os.tmpdir(), `insta-bench-upload-faces-${megapixels}mp`);
  mkdirSync(dir, { recursive: true });
  const bases = readdirSync(fixtures).filter((f) => f.endsWith(".jpg")).sort();
  const name = (i: number) => path.join(dir, `face-${String(i).padStart(4, "0")}.jpg`);
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !existsSync(name(i)));
  if (missing.length) console.log(`Making ${missing.length} ${width}x${height} JPEGs from the labelled face set into ${dir} (once; not timed)...`);
  let next = 0;
  await Promise.all(
    Array.from({ length: os.availableParallelism() }, async () => {
      while (next < missing.length) {
        const i = missing[next++]!;
        const grow = 1 + ((i * 37) % 100) / 1000;
        const w = Math.round(width * grow);
        const h = Math.round(height * grow);
        const grain = await sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 6 } } })
          .png({ compressionLevel: 0 })
          .toBuffer();
        const framed = await sharp(readFileSync(path.join(fixtures, bases[i % bases.length]!)))
          .resize(w, h, { fit: "cover" })
          .extract({ left: Math.floor((w - width) / 2), top: Math.floor((h - height) / 2), width, height })
          .toBuffer();
        await sharp(framed).composite([{ input: grain, blend: "overlay" }]).jpeg({ quality: 90 }).toFile(`${name(i)}.tmp`);
        renameSync(`${name(i)}.tmp`, name(i));
      }
    }),
  );
  return Array.from({ length: n }, (_, i) => readFileSync(name(i)));
}

/** One file as the browser's uploader sends it, with bytes after the JPEG's end so its content hash is new. */
function uploadRequest(file: Buffer, fileName: string): Request {
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    randomBytes(16),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Request("http://bench/upload", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
}

interface RunFigures {
  scenario: "burst" | "paced";
  faces: boolean;
  uploadsS: number;
  thumbsS: number;
  waitP50: number;
  waitP95: number;
  facesS: number | null;
  withFaces: number | null;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const files = await photos();
  if (values.prepare) return;
  const { name: dbName, url } = await createDatabase("benchfaces");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "insta-bench-upload-faces-"));
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = dataDir;
  const { db, ensureMigrated, closeDb } = await import("@/lib/db");
  const { receiveUpload, startImageWorker } = await import("@/lib/images/pipeline");
  const { createChildScanner, startFaceStage } = await import("@/lib/faces");
  const elapsed = (from: number) => (performance.now() - from) / 1000;
  /**
   * A run's team goes, so no later run's face stage finds its unscanned photos;
   * after the albums refresh its photos asked for, which comes up to 5 s later
   * (lib/organize/refresh.ts; not timed).
   */
  const forget = async (teamId: string) => {
    await new Promise((r) => setTimeout(r, 6000));
    await db().team.delete({ where: { id: teamId } });
  };

  async function runOnce(scenario: "burst" | "paced", faces: boolean, rate: number, count = n): Promise<RunFigures> {
    const user = await db().user.create({ data: { email: `bench-${randomBytes(4).toString("hex")}@example.test`, name: "Bench", passwordHash: "x" } });
    const team = await db().team.create({ data: { name: "Bench", memberships: { create: { userId: user.id, role: "OWNER" } } } });
    const set = await db().photoSet.create({ data: { teamId: team.id, name: `${scenario} ${faces ? "on" : "off"}`, createdById: user.id } });
    const stops = [startImageWorker()];
    if (faces) stops.push(startFaceStage(createChildScanner()));
    const uploadedAt = new Map<string, number>();
    const thumbAt = new Map<string, number>();
    const start = performance.now();
    let uploadsDone = false;
    // Thumbnails as they land (the pipeline's mark of success is the hash; every photo here is readable).
    const watch = (async () => {
      while (!uploadsDone || thumbAt.size < count) {
        const rows = await db().photo.findMany({ where: { setId: set.id, phash: { not: null } }, select: { id: true } });
        const now = elapsed(start);
        for (const r of rows) if (!thumbAt.has(r.id)) thumbAt.set(r.id, now);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < count) {
          const i = next++;
          if (rate > 0) {
            const due = start + (1000 * i) / rate;
            if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          }
          const [r] = await receiveUpload(uploadRequest(files[i]!, `IMG_${i}.jpg`), { teamId: team.id, setId: set.id });
          if (!r?.ok || r.duplicate) throw new Error(`upload ${i} not stored: ${JSON.stringify(r)}`);
          uploadedAt.set(r.photoId, elapsed(start));
        }
      }),
    );
    const uploadsS = elapsed(start);
    uploadsDone = true;
    await watch;
    const thumbsS = Math.max(...thumbAt.values());
    // How much the face stage overlapped the pipeline: scans that landed before the last thumbnail.
    const scansDuring = faces ? await db().photo.count({ where: { setId: set.id, faceScanId: { not: null } } }) : 0;
    const waits = [...uploadedAt].map(([id, t]) => thumbAt.get(id)! - t);
    let facesS: number | null = null;
    let withFaces: number | null = null;
    if (faces && scenario === "paced" && count === n) {
      // How long after the thumbnails the faces land (once: it takes minutes).
      for (;;) {
        const left = await db().photo.count({ where: { setId: set.id, faceScanId: null } });
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      facesS = elapsed(start);
      withFaces = await db().photo.count({ where: { setId: set.id, faceCount: { gt: 0 } } });
    }
    if (count < n) {
      await Promise.all(stops.map((s) => s()));
      await forget(team.id);
      return { scenario, faces, uploadsS, thumbsS, waitP50: 0, waitP95: 0, facesS, withFaces };
    }
    await Promise.all(stops.map((s) => s()));
    await forget(team.id);
    const fig: RunFigures = { scenario, faces, uploadsS, thumbsS, waitP50: pct(waits, 50), waitP95: pct(waits, 95), facesS, withFaces };
    console.log(
      `  ${scenario.padEnd(5)} faces ${faces ? "on " : "off"}: uploads ${uploadsS.toFixed(1)} s, all thumbnails ${thumbsS.toFixed(1)} s ` +
        `(${(n / thumbsS).toFixed(2)} photos/s), upload->thumbnail p50 ${fig.waitP50.toFixed(2)} s p95 ${fig.waitP95.toFixed(2)} s` +
        `${faces ? `; ${scansDuring} scans landed by then` : ""}` +
        `${facesS !== null ? `; faces done ${facesS.toFixed(1)} s (${withFaces} of ${n} with people)` : ""}`,
    );
    return fig;
  }

  try {
    await ensureMigrated();
    console.log(`${n} photos, ${width}x${height}, ${parallel} uploads at a time, image worker lanes ${os.availableParallelism()}, load ${os.loadavg()[0]!.toFixed(1)}`);
    // Warm-up (JIT, sharp, connections, the detector's files in the page cache), not counted.
    await runOnce("burst", true, 0, 4 * os.availableParallelism());
    const figures: RunFigures[] = [];
    console.log("burst: uploads as fast as they go");
    figures.push(await runOnce("burst", false, 0));
    figures.push(await runOnce("burst", true, 0));
    const pipelineRate = n / figures[0]!.thumbsS;
    const rate = values.rate ? Number(values.rate) : 0.5 * pipelineRate;
    console.log(`paced: ${rate.toFixed(2)} uploads/s (${values.rate ? "--rate" : "half the burst run's thumbnail speed"})`);
    figures.push(await runOnce("paced", true, rate));
    figures.push(await runOnce("paced", false, rate));
    const get = (s: string, f: boolean) => figures.find((x) => x.scenario === s && x.faces === f)!;
    console.log("thumbnails with the face stage on / off (1.00 = the pipeline's old speed; > 1 = slower):");
    for (const s of ["burst", "paced"] as const) {
      const off = get(s, false);
      const on = get(s, true);
      console.log(
        `  ${s.padEnd(5)}: all thumbnails ${on.thumbsS.toFixed(1)} s / ${off.thumbsS.toFixed(1)} s = ${(on.thumbsS / off.thumbsS).toFixed(2)}; ` +
          `upload->thumbnail p50 ${on.waitP50.toFixed(2)} / ${off.waitP50.toFixed(2)} s, p95 ${on.waitP95.toFixed(2)} / ${off.waitP95.toFixed(2)} s`,
      );
    }
    const paced = get("paced", true);
    if (paced.facesS !== null) console.log(`  faces after: the last scan landed ${(paced.facesS - paced.thumbsS).toFixed(1)} s after the last thumbnail (paced run)`);
    console.log(`load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`);
  } finally {
    await closeDb();
    await dropDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
