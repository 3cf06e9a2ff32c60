// The face stage's part of `npm run bench:images`: detector processes like the
// one the app runs (lib/faces/child.ts), scanning the labelled set's photos
// (test/fixtures/faces, real faces, 0-5 a photo) round and round. Reports
// photos/s of one detector (what the app runs), of one per core (the most 2
// cores give), each process's peak RSS and model load time; and how fast the
// image pipeline runs while a niced detector is busy beside it, against alone
// - the stage waits for an empty image queue, so this is the worst overlap.
//   tsx scripts/bench-faces.ts --child N   (internal: one detector process scanning N photos)
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadDetector } from "@/lib/faces/detector";
import { scanImage } from "@/lib/faces/scan";

const fixtures = path.resolve(import.meta.dirname, "../test/fixtures/faces");
/** The app's detector niceness (lib/faces/client.ts). */
const NICENESS = 15;

interface ChildFigures {
  photos: number;
  seconds: number;
  loadSeconds: number;
  faces: number;
  maxRssMb: number;
}

async function child(count: number): Promise<void> {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".jpg")).map((f) => readFileSync(path.join(fixtures, f)));
  const t0 = performance.now();
  await loadDetector();
  const loadSeconds = (performance.now() - t0) / 1000;
  const start = performance.now();
  let faces = 0;
  // count 0: until killed (the "busy beside the pipeline" case)
  for (let i = 0; count === 0 || i < count; i++) faces += (await scanImage(files[i % files.length]!)).length;
  const out: ChildFigures = {
    photos: count,
    seconds: (performance.now() - start) / 1000,
    loadSeconds,
    faces,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function run(count: number, nice = 0): { done: Promise<ChildFigures>; kill: () => void } {
  const c = spawn(process.execPath, [...process.execArgv, import.meta.filename, "--child", String(count)], { stdio: ["ignore", "pipe", "inherit"] });
  if (nice && c.pid) os.setPriority(c.pid, nice);
  let out = "";
  c.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<ChildFigures>((resolve, reject) =>
    c.once("exit", (code, signal) => (code === 0 ? resolve(JSON.parse(out) as ChildFigures) : reject(new Error(`detector process: ${signal ?? code}`)))),
  );
  return { done, kill: () => c.kill("SIGKILL") };
}

/** One detector, then one per core at once; then `pipeline()` alone and beside a busy niced detector. */
export async function benchFaces(photos: number, pipeline: () => Promise<number>): Promise<void> {
  const cores = os.availableParallelism();
  const one = await run(photos).done;
  const wall = performance.now();
  const many = await Promise.all(Array.from({ length: cores }, () => run(photos).done));
  const manySeconds = (performance.now() - wall) / 1000;
  const fmt = (x: number) => x.toFixed(2);
  console.log(`face stage (labelled set's photos, ${one.faces} faces in ${photos}; model load ${fmt(one.loadSeconds)} s per process):`);
  console.log(`  one detector process (the app's):  ${fmt(photos / one.seconds)} photos/s, ${((1000 * one.seconds) / photos).toFixed(0)} ms/photo, peak RSS ${one.maxRssMb.toFixed(0)} MB`);
  console.log(
    `  ${cores} at once (${cores} cores):          ${fmt((cores * photos) / manySeconds)} photos/s in all, peak RSS ${Math.max(...many.map((m) => m.maxRssMb)).toFixed(0)} MB each`,
  );
  const alone = await pipeline();
  const busy = run(0, NICENESS);
  await new Promise((r) => setTimeout(r, 3000)); // past its model load
  const beside = await pipeline();
  busy.kill();
  await busy.done.catch(() => undefined);
  console.log(
    `  image pipeline alone ${alone.toFixed(1)} images/s; beside a busy detector at nice ${NICENESS}: ${beside.toFixed(1)} images/s (ratio ${(beside / alone).toFixed(2)}; ` +
      `the app never overlaps them more than this: faces wait for an empty image queue)`,
  );
}

const { values } = parseArgs({ options: { child: { type: "string" } }, strict: false });
if (typeof values.child === "string") {
  child(Number(values.child)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
