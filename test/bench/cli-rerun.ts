// npm run bench:cli-rerun [-- --images 1000]
// A second run of `npm run organize` on an unchanged folder against the first:
// the cache answers every photo (no requests) and the output folder is left as
// it is (no renders, no writes), so the re-run should take a small fraction of
// the first. Both runs are the real npm script in a child process, on the
// embedded database, with local measurements (no provider), --output set.
// The bar: the re-run under 20% of the first run's time.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sceneJpeg } from "@/test/helpers/images";

const { values } = parseArgs({ options: { images: { type: "string", default: "1000" }, keep: { type: "boolean" } } });
const N = Number(values.images);

interface Report {
  images: number;
  elapsed_s: number;
  exported: { files: number; written: number } | null;
}

async function organize(root: string, src: string, name: string): Promise<{ wallS: number; report: Report }> {
  const report = path.join(root, `${name}.json`);
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn("npm", ["run", "--silent", "organize", "--", "--source", src, "--output", path.join(root, "out"), "--report", report], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production" as const, DATA_DIR: path.join(root, "data"), AI_PROVIDER: "local", FACES_ENABLED: "0" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`${name} run ended with exit ${code}`);
  return { wallS: (Date.now() - t0) / 1000, report: JSON.parse(readFileSync(report, "utf8")) as Report };
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "insta-cli-rerun-"));
  const src = path.join(root, "photos");
  console.log(`generating ${N} photos (1200x900 JPEG) in ${src} ...`);
  for (let i = 0; i < N; i++) {
    const dir = path.join(src, `day-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `img-${i}.jpg`), await sceneJpeg(10_000 + i, 1200, 900, 85));
  }
  const first = await organize(root, src, "first");
  const again = await organize(root, src, "again");
  const ratio = again.wallS / first.wallS;
  console.log(
    `\n${N} photos, --output, local measurements, embedded database:\n` +
      `  first run: ${first.wallS.toFixed(1)} s wall (${first.report.exported?.written ?? 0} files written)\n` +
      `  re-run:    ${again.wallS.toFixed(1)} s wall (${again.report.exported?.written ?? 0} of ${again.report.exported?.files ?? 0} files written)\n` +
      `  re-run / first = ${(ratio * 100).toFixed(1)}% (bar: < 20%)`,
  );
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  if (ratio >= 0.2) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
