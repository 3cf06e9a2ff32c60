// npm run bench:progress - the dashboard's progress endpoint under load.
//
// Starts the built app (`npm start`'s server, lib/server/serve.ts) on a fresh Postgres database, signs a
// user in, puts a set of 5,000 photos in the queue and, while a simulated run
// moves them to ANALYZED (with the engine's own ResultWriter, and the run's live
// stats as the engine writes them, so album refreshes happen too), 100 pollers
// each GET /api/teams/:teamId/sets/:setId/analysis once a second, as open
// dashboards do. Prints p50/p95/p99/max latency and errors, and the same
// figures for a baseline route under the same load, measured in the same run.
// The pollers run in a process of their own (scripts/progress-pollers.ts). Nothing is
// asserted: the machine is shared and noisy; read the figures side by side.
//
// BENCH_RUN=engine: the run is the app's own analysis worker against the local
// Llama-protocol server (limit BENCH_WRITE_PER_S requests/s, one photo per
// request), as in the default deployment, instead of the simulated writer.
//
// Options (env): BENCH_POLLERS (100), BENCH_SECONDS (20), BENCH_PHOTOS (5000),
// BENCH_WRITE_PER_S (100: photos the simulated run analyses per second; 0:
// no run, to see the poll's own cost without the album refreshes it triggers),
// BENCH_APP_NODE_ARGS (flags for the app's node, e.g. "--cpu-prof --cpu-prof-dir=prof").
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ResultWriter } from "../lib/analysis/writer";
import { startApp } from "../test/helpers/app-process";
import { sceneJpeg } from "../test/helpers/images";
import { createDatabase, dropDatabase } from "../test/helpers/pg";
import { cpuMs } from "../test/helpers/proc";
import { createLlamaServer } from "../test/llama-server/server";

const POLLERS = Number(process.env.BENCH_POLLERS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 5000);
const WRITE_PER_S = Number(process.env.BENCH_WRITE_PER_S ?? 100);
const ENGINE = process.env.BENCH_RUN === "engine";
const CATS = ["food", "travel", "landscape", "people", "urban", "night"] as const;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const root = path.resolve(import.meta.dirname, "..");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("needs a production build: run `npm run build` first");
  const { name, url } = await createDatabase("bench");
  process.env.DATABASE_URL = url;
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-progress-"));
  process.env.DATA_DIR = dataDir;
  const { db, ensureMigrated, closeDb } = await import("../lib/db");
  await ensureMigrated();
  // Simulated: RUN_WORKERS=0, the writer below is the only one (no images are stored).
  // Engine: the app's own worker analyses through the local Llama-protocol server.
  const llama = ENGINE ? await createLlamaServer({ rpm: WRITE_PER_S * 60, latencyMedianMs: 400, seed: 7, apiKey: "k" }) : undefined;
  const runEnv = llama
    ? {
        RUN_WORKERS: "1", AI_PROVIDER: "llama", LLAMA_API_KEY: "k", LLAMA_API_BASE_URL: llama.url, LLAMA_MAX_RPM: String(WRITE_PER_S * 60),
        BATCH_SIZE: "1", LLAMA_OPTIMAL_BATCH_SIZE: "1", PARALLEL_WORKERS: "64", LLAMA_MAX_CONCURRENT: "64", BATCH_DELAY: "0", ENABLE_FAST_MODE: "0",
      }
    : { RUN_WORKERS: "0" };
  const app = await startApp(
    { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, DATA_DIR: dataDir, NEXTAUTH_SECRET: "bench-secret-0123456789abcdef", NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS, ...runEnv },
    3600 + (process.pid % 300),
    90_000,
    process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean),
  );
  let stopWriter = false;
  try {
    const base = app.baseUrl;
    // Sign up and sign in (next-auth credentials), keeping the session cookie.
    const email = `bench-${randomBytes(4).toString("hex")}@example.test`;
    const password = "bench-password-correct-horse";
    const signup = await fetch(`${base}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, name: "Bench", password }) });
    if (signup.status !== 202) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
    const csrfRes = await fetch(`${base}/api/auth/csrf`);
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair!.indexOf("=");
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
    };
    keep(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const signin = await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    });
    keep(signin);

    // The set: PHOTOS queued photos and a live run row.
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    const teamId = user.currentTeamId!; // the personal team sign-up made (its answer does not name it)
    // Engine: paused until the photos' analysis images are stored, so the worker waits.
    const set = await db().photoSet.create({ data: { teamId, name: "Bench", createdById: user.id, status: ENGINE ? "PAUSED" : "RUNNING" } });
    const rows = Array.from({ length: PHOTOS }, (_, i) => ({
      setId: set.id, teamId, contentHash: randomBytes(32).toString("hex"), originalName: `IMG_${i}.jpg`,
      mimeType: "image/jpeg", sizeBytes: 3_000_000, width: 4000, height: 3000, state: "QUEUED" as const,
    }));
    for (let i = 0; i < rows.length; i += 1000) await db().photo.createMany({ data: rows.slice(i, i + 1000) });
    if (ENGINE) {
      // Each photo's analysis JPEG (one generated 512 px scene, stored under every photo's hash).
      const { storage } = await import("../lib/storage");
      const jpeg = await sceneJpeg(7, 512, 384);
      for (let i = 0; i < rows.length; i += 50) await Promise.all(rows.slice(i, i + 50).map((r) => storage().put(r.contentHash, "analysis", jpeg)));
      await db().photoSet.update({ where: { id: set.id }, data: { status: "RUNNING" } });
    }
    // Simulated: the run row the writer keeps current (the engine opens its own).
    const run = ENGINE ? undefined : await db().analysisRun.create({ data: { teamId, setId: set.id, provider: "llama", model: "bench", config: {}, images: PHOTOS, concurrencyLimit: 32 } });
    const progressUrl = `${base}/api/teams/${teamId}/sets/${set.id}/analysis`;
    const first = await fetch(progressUrl, { headers: { cookie: cookie() } });
    if (first.status !== 200) throw new Error(`progress answered ${first.status}: ${await first.text()}`);
    // Next's answers carry its Vary list; the server's fast route does not (lib/server/progress-poll.ts).
    const answeredBy = first.headers.get("vary") ? "Next's route handler" : "the app server's fast route";
    console.log(`progress answer: ${(await first.clone().arrayBuffer()).byteLength} bytes, content-encoding ${first.headers.get("content-encoding") ?? "none"}, answered by ${answeredBy}`);
    for (let i = 0; i < 5; i++) await (await fetch(progressUrl, { headers: { cookie: cookie() } })).arrayBuffer(); // warm up

    // The simulated run: every 100 ms a batch of queued photos gets its answer,
    // saved by the engine's own ResultWriter (cache rows, then photo columns, in
    // a few batched statements) and the run's live stats once a second - what
    // the analysis loop writes, minus the provider.
    let written = 0;
    const writer = (async () => {
      const perTick = Math.max(1, Math.round(WRITE_PER_S / 10));
      const results = new ResultWriter({ provider: "llama", model: "bench", promptVersion: "v1" }, () => undefined, (err) => console.error(err));
      let lastStats = 0;
      while (!stopWriter && WRITE_PER_S > 0 && !ENGINE) {
        const t0 = Date.now();
        const batch = await db().photo.findMany({ where: { setId: set.id, state: "QUEUED" }, select: { id: true, contentHash: true }, take: perTick });
        if (!batch.length) break;
        for (const p of batch) {
          const category = CATS[written % CATS.length]!;
          const score = (written * 37) % 100 / 10;
          const box = { x: 0, y: 0, width: 1, height: 1 };
          results.analyzed({
            photoId: p.id, teamId, contentHash: p.contentHash, tokens: 1000,
            analysis: { source: "ai", description: "d", category, tags: ["t"], quality: { score, reason: "r" }, instagram: { score, reason: "r" }, caption: "c", hashtags: ["#h"], altText: "a", crops: { "4:5": box, "1:1": box, "1.91:1": box }, problems: [] },
          });
          written++;
        }
        await results.flush();
        if (Date.now() - lastStats >= 1000) {
          lastStats = Date.now();
          await db().analysisRun.update({
            where: { id: run!.id },
            data: { analyzed: written, requests: written, imagesPerS: WRITE_PER_S, requestsPerS: WRITE_PER_S, concurrency: 8, etaS: (PHOTOS - written) / WRITE_PER_S },
          });
        }
        await sleep(Math.max(0, 100 - (Date.now() - t0)));
      }
      results.close();
    })();

    // The pollers run in their own process (scripts/progress-pollers.ts): this
    // one is busy playing the run, and its event-loop delays are not the server's.
    // CPU is the server process's own (not its analysis worker child's): unlike
    // latency, CPU per request hardly moves with other load on a shared machine.
    const poll = async (target: string) => {
      const cpu0 = cpuMs(app.child.pid!);
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/progress-pollers.ts")], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
      child.stdin.end(JSON.stringify({ target, cookie: cookie(), pollers: POLLERS, seconds: SECONDS }));
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const [code] = (await once(child, "exit")) as [number | null];
      if (code !== 0) throw new Error(`the pollers' process exited with ${code}`);
      const serverCpu = cpuMs(app.child.pid!) - cpu0;
      const { latencies, startedAt, errors } = JSON.parse(out) as { latencies: number[]; startedAt: number[]; errors: number };
      if (process.env.BENCH_TRACE) {
        const slow = latencies.map((l, i) => [startedAt[i]!, l] as const).filter(([, l]) => l > 40);
        console.log(`slow (>40 ms) requests: ${slow.map(([t, l]) => `${(t / 1000).toFixed(1)}s:${l.toFixed(0)}`).join(" ")}`);
      }
      return { latencies: latencies.sort((a, b) => a - b), errors, cpuMsPerRequest: serverCpu / Math.max(1, latencies.length + errors) };
    };
    // Side by side in this run: the same load on the cheapest signed-in route
    // (the team's member list: the session check plus one query), then on progress.
    const analysed = async () => (ENGINE ? db().photo.count({ where: { setId: set.id, state: "ANALYZED" } }) : written);
    const baseline = await poll(`${base}/api/teams/${teamId}/members`);
    const writtenBefore = await analysed();
    const { latencies, errors, cpuMsPerRequest } = await poll(progressUrl);
    const writtenDuring = (await analysed()) - writtenBefore;
    written = await analysed();
    stopWriter = true;
    await writer;
    latencies.sort((a, b) => a - b);
    const f = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`progress endpoint: ${POLLERS} pollers at 1/s for ${SECONDS}s, set of ${PHOTOS} photos, ${ENGINE ? "the app's analysis worker" : "simulated run"} wrote ${writtenDuring} results meanwhile (${(writtenDuring / SECONDS).toFixed(0)}/s; ${written} of ${PHOTOS} in all)`);
    console.log(`requests ${latencies.length + errors}  errors ${errors}`);
    if (ENGINE) {
      const r = await db().analysisRun.findFirst({ where: { setId: set.id }, orderBy: { startedAt: "desc" } });
      if (r) console.log(`the worker's run: ${r.requestsPerS.toFixed(1)} requests/s, concurrency ${r.concurrency}/${r.concurrencyLimit}, latency p50 ${r.latencyP50Ms} ms, 429s ${r.rateLimited}, retries ${r.retries}${r.advice ? `; advice: ${r.advice}` : ""}`);
    }
    console.log(`p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies.at(-1) ?? NaN)}`);
    console.log(`server CPU per request: progress ${cpuMsPerRequest.toFixed(2)} ms, baseline ${baseline.cpuMsPerRequest.toFixed(2)} ms (includes the album refreshes the polls trigger)`);
    console.log(`p99 under 50 ms: ${percentile(latencies, 99) < 50 ? "yes" : "no"}`);
    const b50 = percentile(baseline.latencies, 50);
    const b99 = percentile(baseline.latencies, 99);
    console.log(`baseline (GET members through Next's pipeline, same load, before the progress phase): p50 ${f(b50)}  p99 ${f(b99)}  errors ${baseline.errors}`);
    console.log(`progress / baseline: p50 x${(percentile(latencies, 50) / b50).toFixed(2)}  p99 x${(percentile(latencies, 99) / b99).toFixed(2)}`);
  } finally {
    stopWriter = true;
    await app.stop();
    await llama?.close();
    await closeDb();
    await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
