// `npm run organize` as a user runs it: the real command in its own process on
// a folder with photos in a subfolder, a truncated JPEG and a text file named
// .jpg, against the local Llama-protocol server. It analyses every readable
// photo, refuses the other two with their reasons (never sending them), exports
// albums with sidecars, writes the documented report, and a second run answers
// everything from the cache with zero requests. Bad input ends with exit 2 and
// a message naming the flag.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "@/lib/env";
import sharp from "sharp";
import { sceneJpeg } from "@/test/helpers/images";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import type { CliReport } from "@/lib/cli/report";

const run = promisify(execFile);
let root: string;
let source: string;
let llama: LlamaServer;
// Eight different photos and a near-duplicate of the first (re-encoded, smaller).
const READABLE = 9;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "cli-organize-"));
  source = path.join(root, "trip");
  mkdirSync(path.join(source, "day2"), { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(path.join(source, `p${i}.jpg`), await sceneJpeg(500 + i, 800, 600));
  writeFileSync(path.join(source, "p0-small.jpg"), await sharp(await sceneJpeg(500, 800, 600)).resize(400, 300).jpeg({ quality: 80 }).toBuffer());
  for (let i = 0; i < 2; i++) writeFileSync(path.join(source, "day2", `q${i}.jpg`), await sceneJpeg(600 + i, 800, 600));
  writeFileSync(path.join(source, "broken.jpg"), (await sceneJpeg(700, 800, 600)).subarray(0, 2000));
  // A refused file in a subfolder is reported where it is (it was reported at the top level).
  writeFileSync(path.join(source, "day2", "cut.jpg"), (await sceneJpeg(701, 800, 600)).subarray(0, 2500));
  writeFileSync(path.join(source, "notes.jpg"), "Shot list: beach, market, sunset.\n");
  llama = await createLlamaServer({ rpm: 600, latencyMedianMs: 50, apiKey: "k", seed: 21 });
});
afterAll(async () => {
  await llama?.close();
  rmSync(root, { recursive: true, force: true });
});

async function organize(args: string[], withKey = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test" as const,
    DATABASE_URL: getEnv().DATABASE_URL,
    DATA_DIR: path.join(root, "data"),
    ...(withKey ? { LLAMA_API_KEY: "k" } : {}),
    LLAMA_API_BASE_URL: llama.url,
    // The face stage's own CLI test is cli-faces.test.ts (loading the model costs seconds).
    FACES_ENABLED: "0",
  };
  try {
    const r = await run(process.execPath, ["--import", "tsx", "lib/cli/organize.ts", ...args], { env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const readReport = async (file: string) => JSON.parse(await readFile(file, "utf8")) as CliReport;

describe("npm run organize", () => {
  it("analyses the readable photos, refuses the rest with reasons, exports, and answers a re-run from the cache", async () => {
    const out = path.join(root, "out");
    const first = await organize(["--source", source, "--output", out, "--report", path.join(root, "r1.json"), "--profile", "optimized", "--max-rpm=600"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const r1 = await readReport(path.join(root, "r1.json"));
    expect(r1).toMatchObject({ images: READABLE, analyzed: READABLE, cached: 0, failed: 0, refused: 3, provider: "llama", profile: "optimized" });
    expect(r1.config_sources).toEqual(expect.arrayContaining(["profile:optimized", "flag:--max-rpm"]));
    expect(r1.requests).toBeGreaterThan(0);
    expect(r1.success_rate).toBe(1);
    const refused = Object.fromEntries(r1.refused_files.map((f) => [path.basename(f.file), f.reason]));
    expect(refused["broken.jpg"]).toMatch(/truncated/);
    expect(refused["notes.jpg"]).toMatch(/not a JPEG, PNG/);
    expect(r1.refused_files.map((f) => f.file).sort()).toEqual(
      [path.join(source, "broken.jpg"), path.join(source, "day2", "cut.jpg"), path.join(source, "notes.jpg")].sort(),
    );
    // The model saw exactly the readable photos.
    expect(llama.stats().images).toBe(READABLE);
    expect(llama.stats().overLimit).toBe(0);
    expect(first.stdout).toMatch(/9 photos: 9 analysed, 0 from cache, 0 skipped, 0 failed, success rate 100\.0% \(3 files refused\)/);
    expect(first.stdout).toMatch(/request success 100\.0%.*bound by requests\/min: [\d.]+% used; \d+ tokens a photo, [\d.]+ photos a request/);

    // Albums on disk: best picks and categories, each photo with an XMP sidecar, captions per album.
    const folders = (await readdir(out)).filter((f) => !f.startsWith("."));
    expect(folders).toContain("Best picks");
    const best = await readdir(path.join(out, "Best picks"));
    // Best picks hold one photo per near-duplicate group: its keeper.
    expect(best.filter((f) => f.endsWith(".jpg"))).toHaveLength(READABLE - 1);
    expect(best.filter((f) => f.endsWith(".xmp"))).toHaveLength(READABLE - 1);
    expect(best).toEqual(expect.arrayContaining(["captions.json", "captions.csv"]));
    // The duplicate group's folder README and docs/cli.md promise: both originals, the larger copy kept.
    expect(await readdir(path.join(out, "Duplicates"))).toEqual(["01 p0"]);
    const group = path.join(out, "Duplicates", "01 p0");
    expect((await readdir(group)).sort()).toEqual(["keeper - p0.jpg", "p0-small.jpg"]);
    expect(await readFile(path.join(group, "p0-small.jpg"))).toEqual(await readFile(path.join(source, "p0-small.jpg")));
    expect(r1.exported).toMatchObject({ albums: folders.length - 1, duplicate_groups: 1, removed: 0 });
    expect(r1.exported!.written).toBe(r1.exported!.files);

    // Nothing is analysed twice: the re-run asks the provider nothing, and writes nothing into the unchanged folder.
    const mtime = (await stat(path.join(out, "Best picks", best.find((f) => f.endsWith(".jpg"))!))).mtimeMs;
    const second = await organize(["--source", source, "--output", out, "--report", path.join(root, "r2.json")]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const r2 = await readReport(path.join(root, "r2.json"));
    expect(r2).toMatchObject({ images: READABLE, analyzed: 0, cached: READABLE, failed: 0, refused: 3, requests: 0, success_rate: null });
    expect(r2.exported).toMatchObject({ files: r1.exported!.files, written: 0, removed: 0 });
    expect(second.stdout).toMatch(/Wrote 0 files \(\d+ unchanged since the last export\)/);
    expect((await stat(path.join(out, "Best picks", best.find((f) => f.endsWith(".jpg"))!))).mtimeMs).toBe(mtime);
    expect(llama.stats().images).toBe(READABLE);
  }, 240_000);

  it("ends with exit 2 and names the problem for a bad flag value or a missing folder", async () => {
    const badValue = await organize(["--source", source, "--batch-size=0"]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/--batch-size \(performance\.ai_analysis\.batch_size\): must be "auto" or an integer from 1 to 8 \(got 0\)/);
    const missing = await organize(["--source", path.join(root, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--source: .*nope is not a folder that can be read/);
    const none = await organize([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--source DIR is required/);
    // A misspelt flag is refused, not ignored; a config flag's value goes after '='.
    const typo = await organize(["--source", source, "--paralel-workers=8"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Not an option of this command: --paralel-workers\./);
    const spaced = await organize(["--source", source, "--max-rpm", "600"]);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toMatch(/Not an option of this command: "600"\. Configuration flags take their value after '=', e\.g\. --max-rpm=600/);
  }, 120_000);

  it("without an API key measures locally and says so, sending nothing", async () => {
    const before = llama.stats().received;
    const local = await organize(["--source", source, "--report", path.join(root, "local.json")], false);
    expect(local.code, local.stdout + local.stderr).toBe(0);
    expect(local.stdout).toMatch(/No LLAMA_API_KEY set: photos are measured locally, not analysed by AI\./);
    expect(local.stdout).toMatch(/Measured locally: no requests sent/);
    // No requests in the report either (it said 6 while the summary said none were sent).
    expect(await readReport(path.join(root, "local.json"))).toMatchObject({ provider: "local", images: READABLE, failed: 0, refused: 3, requests: 0, requests_per_s: 0 });
    expect(llama.stats().received).toBe(before);
  }, 120_000);
});
