// npm run bench:images [-- --n 200 --mp 12]
// Times, in one run and on the same files with the same parallelism (one image
// per core), (a) bare sharp: decode + resize to the analysis size + JPEG, and
// (b) the project's full pipeline (processImage). Prints images/s for both,
// their ratio and peak RSS, and the ceiling any pipeline that makes the
// required WebP thumbnail can reach here (bare + thumbnail, nothing else).
// Test images are generated once into a cache folder, in a child process,
// outside the timing and outside this process's RSS. Then the face stage
// (scripts/bench-faces.ts; --faces 0 skips it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { renderPreview } from "@/lib/images/preview";
import { readExif } from "@/lib/images/exif";
import { boxResizeGrey, dominantColors, focusSharpness, meanBrightness, toGrey } from "@/lib/images/metrics";
import { PHASH_SIZE, phashFromGrey } from "@/lib/images/phash";
import { processImage, THUMB_SIDE } from "@/lib/images/process";
import { configureSharp } from "@/lib/images/sharp";
import { getEnv } from "@/lib/env";
import { benchFaces } from "./bench-faces";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    mp: { type: "string", default: "12" },
    parallel: { type: "string" },
    faces: { type: "string", default: "60" },
    generate: { type: "string" }, // internal: child process generating into this folder
  },
});
const n = Number(values.n);
const megapixels = Number(values.mp);
const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);

/** Photo-like content: smooth random blobs (upscaled coarse noise) plus fine grain, JPEG q90. */
async function generateOne(file: string, seed: number): Promise<void> {
  const coarse = await sharp({
    create: { width: 24 + (seed % 17), height: 18 + (seed % 13), channels: 3, background: "#000", noise: { type: "gaussian", mean: 120 + (seed % 40), sigma: 60 } },
  })
    .png()
    .toBuffer();
  const grain = await sharp({ create: { width, height, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 10 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const tmp = `${file}.tmp`;
  await sharp(coarse)
    .resize(width, height, { kernel: "cubic" })
    .composite([{ input: grain, blend: "overlay" }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: "BenchCam", Model: `B${seed}` } })
    .toFile(tmp);
  renameSync(tmp, file);
}

async function pool<T>(items: T[], parallel: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function generate(dir: string): Promise<void> {
  sharp.concurrency(1);
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !existsSync(path.join(dir, name(i))));
  let done = 0;
  await pool(missing, os.availableParallelism(), async (i) => {
    await generateOne(path.join(dir, name(i)), i);
    if (++done % 20 === 0) process.stdout.write(`  generated ${done}/${missing.length}\n`);
  });
}
const name = (i: number) => `img-${String(i).padStart(4, "0")}.jpg`;

/**
 * Wall time, CPU time (all of this process's threads, libvips' included) and
 * peak resident memory (sampled every 20 ms) while fn runs. CPU time is the
 * steadier figure on a shared machine: other processes' load stretches wall
 * time but not the work this process does.
 */
async function timed(label: string, fn: () => Promise<void>): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const cpu = process.cpuUsage();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const start = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  peak = Math.max(peak, process.memoryUsage.rss());
  console.log(`  ${label.padEnd(16)} ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
  return { seconds, cpuSeconds, peakRssMb: peak / 1024 / 1024 };
}

async function main(): Promise<void> {
  if (values.generate) return generate(values.generate);
  const dir = path.join(os.tmpdir(), `insta-bench-images-${megapixels}mp`);
  mkdirSync(dir, { recursive: true });
  const have = new Set(readdirSync(dir));
  if (Array.from({ length: n }, (_, i) => name(i)).some((f) => !have.has(f))) {
    console.log(`Generating ${n} ${megapixels}-megapixel JPEGs into ${dir} (once; not timed)...`);
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, "--n", String(n), "--mp", String(megapixels), "--generate", dir], {
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error("generation failed");
  }
  const files = Array.from({ length: n }, (_, i) => path.join(dir, name(i)));
  const parallel = Number(values.parallel ?? os.availableParallelism());
  const side = getEnv().ANALYSIS_MAX_SIDE;
  configureSharp(); // the project's sharp settings apply to both sides
  console.log(`${n} images, ${width}x${height}, parallel ${parallel}, sharp.concurrency ${sharp.concurrency()}, analysis side ${side}`);

  // Both read the file into memory first, as the worker does with storage().get().
  const bare = async (file: string) =>
    sharp(await readFile(file), { failOn: "error" })
      .autoOrient()
      .resize(side, side, { fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer();
  const full = async (file: string) => processImage(await readFile(file));
  // The least a pipeline meeting the ingest issue can do: the bare work plus the
  // one other required image, the WebP thumbnail, made the cheapest way (from
  // the decoded pixels, one resize + encode) - no hash, statistics, EXIF or
  // header check. Its ratio is the ceiling for (b) on this machine.
  const least = async (file: string) => {
    const d = await sharp(await readFile(file), { failOn: "error" }).autoOrient().resize(side, side, { fit: "inside", withoutEnlargement: true })
      .raw().toBuffer({ resolveWithObject: true });
    const raw = { width: d.info.width, height: d.info.height, channels: d.info.channels as 3 };
    await Promise.all([
      sharp(d.data, { raw }).jpeg({ quality: 85 }).toBuffer(),
      sharp(d.data, { raw }).resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: "inside", kernel: "linear" }).webp({ quality: 75, effort: 0 }).toBuffer(),
    ]);
  };

  // Warm both code paths, then interleave two rounds so drift on a shared machine hits both alike.
  await pool(files.slice(0, parallel * 2), parallel, bare);
  await pool(files.slice(0, parallel * 2), parallel, full);
  await pool(files.slice(0, parallel * 2), parallel, least);
  const a = { seconds: 0, cpuSeconds: 0, peakRssMb: 0 };
  const b = { seconds: 0, cpuSeconds: 0, peakRssMb: 0 };
  const f = { seconds: 0, cpuSeconds: 0 };
  for (let round = 1; round <= 2; round++) {
    const ra = await timed(`bare #${round}`, () => pool(files, parallel, bare));
    const rb = await timed(`pipeline #${round}`, () => pool(files, parallel, full));
    const rf = await timed(`least #${round}`, () => pool(files, parallel, least));
    a.seconds += ra.seconds;
    b.seconds += rb.seconds;
    f.seconds += rf.seconds;
    a.cpuSeconds += ra.cpuSeconds;
    b.cpuSeconds += rb.cpuSeconds;
    f.cpuSeconds += rf.cpuSeconds;
    a.peakRssMb = Math.max(a.peakRssMb, ra.peakRssMb);
    b.peakRssMb = Math.max(b.peakRssMb, rb.peakRssMb);
  }
  // For the record: what rendering every 1440 px preview eagerly would add (the app renders them lazily).
  const rc = await timed("pipeline+preview", () => pool(files, parallel, (f) => readFile(f).then((b) => Promise.all([processImage(b), renderPreview(b)]))));
  const ipsA = (2 * n) / a.seconds;
  const ipsB = (2 * n) / b.seconds;
  console.log(`(c) pipeline + eager 1440 px WebP preview: ${(n / rc.seconds).toFixed(1)} images/s (not the app's path; previews are lazy)`);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const cpuMs = (x: { cpuSeconds: number }) => ((x.cpuSeconds * 1000) / (2 * n)).toFixed(1);
  console.log(`(a) bare sharp decode+resize: ${ipsA.toFixed(1)} images/s, ${cpuMs(a)} ms CPU/image, peak RSS ${a.peakRssMb.toFixed(0)} MB`);
  console.log(`(b) full pipeline:            ${ipsB.toFixed(1)} images/s, ${cpuMs(b)} ms CPU/image, peak RSS ${b.peakRssMb.toFixed(0)} MB`);
  console.log(`ratio pipeline/bare: ${(ipsB / ipsA).toFixed(2)} by wall-clock images/s, ${(a.cpuSeconds / b.cpuSeconds).toFixed(2)} by CPU time (bar >= 0.9)`);
  const ipsF = (2 * n) / f.seconds;
  console.log(
    `ceiling: bare + WebP thumbnail only (no hash, statistics, EXIF): ${ipsF.toFixed(1)} images/s, ${cpuMs(f)} ms CPU/image, ` +
      `ratio ${(ipsF / ipsA).toFixed(2)} wall / ${(a.cpuSeconds / f.cpuSeconds).toFixed(2)} CPU; the pipeline reaches ${((100 * f.cpuSeconds) / b.cpuSeconds).toFixed(0)}% of it by CPU`,
  );
  await stages(files.slice(0, 20), side);
  console.log(`process max RSS ${maxRssMb.toFixed(0)} MB (bar < 400); load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`);
  if (Number(values.faces) > 0) {
    await benchFaces(Number(values.faces), async () => {
      const start = performance.now();
      await pool(files, parallel, full);
      return n / ((performance.now() - start) / 1000);
    });
  }
}

/**
 * Where the pipeline's time goes: each step of processImage run on its own,
 * one photo at a time, in CPU ms per photo - beside the bare decode + resize +
 * JPEG. Shows which part of the gap is the extra outputs themselves.
 */
async function stages(files: string[], side: number): Promise<void> {
  const cpu: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const start = process.cpuUsage();
    const out = await fn();
    const used = process.cpuUsage(start);
    cpu[name] = (cpu[name] ?? 0) + (used.user + used.system) / 1000;
    return out;
  };
  const inside = (s: number) => ({ width: s, height: s, fit: "inside" as const, withoutEnlargement: true });
  for (let round = 0; round < 2; round++) {
    for (const key of Object.keys(cpu)) delete cpu[key]; // round 0 warms up
    for (const file of files) {
      const input = await readFile(file);
      await step("bare decode+resize+JPEG", () => sharp(input, { failOn: "error" }).autoOrient().resize(inside(side)).jpeg({ quality: 85 }).toBuffer());
      await step("header (metadata)", () => sharp(input, { limitInputPixels: false }).metadata());
      await step("EXIF (exifr)", () => readExif(input));
      const d = await step("decode+resize to raw", () =>
        sharp(input, { failOn: "error", sequentialRead: true }).autoOrient().resize(inside(side)).flatten({ background: "#ffffff" })
          .toColourspace("srgb").removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true }));
      const raw = { width: d.info.width, height: d.info.height, channels: 3 as const };
      await step("analysis JPEG from raw", () => sharp(d.data, { raw }).jpeg({ quality: 85 }).toBuffer());
      await step("sharpness (JS, tiles)", () => focusSharpness(d.data, raw.width, raw.height, 3));
      const small = await step(`${THUMB_SIDE} px copy`, () =>
        sharp(d.data, { raw }).resize({ ...inside(THUMB_SIDE), kernel: "linear" }).raw().toBuffer({ resolveWithObject: true }));
      const m = { width: small.info.width, height: small.info.height, channels: 3 as const };
      await step(`WebP thumbnail ${THUMB_SIDE} px`, () => sharp(small.data, { raw: m }).webp({ quality: 75, effort: 0 }).toBuffer());
      await step("hash, brightness, colours (JS)", () => {
        const grey = toGrey(small.data, 3);
        phashFromGrey(boxResizeGrey(grey, m.width, m.height, PHASH_SIZE, PHASH_SIZE));
        meanBrightness(grey);
        dominantColors(small.data, 3);
      });
    }
  }
  const bare = cpu["bare decode+resize+JPEG"]!;
  console.log(`where the time goes (CPU ms per photo, one at a time, ${files.length} photos; share of the bare figure):`);
  for (const [name, ms] of Object.entries(cpu)) {
    console.log(`  ${name.padEnd(24)} ${(ms / files.length).toFixed(1).padStart(6)} ms  ${((100 * ms) / bare).toFixed(0).padStart(3)}%`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
