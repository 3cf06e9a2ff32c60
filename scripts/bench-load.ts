// npm run bench:load - the load figures of the hardening issue, in one command.
//
// 1. The set page (/t/:teamId/sets/:setId, server-rendered HTML) and the
//    progress endpoint under 100 concurrent pollers (one GET per second each)
//    while a 1,000-photo run moves photos to ANALYZED, side by side in one run
//    against the built app (`npm start`'s server) on a fresh Postgres database.
// 2. `npm run bench:progress` (the organize engineer's: progress endpoint vs a
//    baseline route with a run that writes cache rows and albums), 1,000 photos.
// 3. `npm run bench:upload` (the ingest engineer's: ~1 GB through the upload
//    path, RSS growth).
// Prints p50/p99/errors and the other scripts' own output. Nothing is asserted.
// Options (env): BENCH_POLLERS (100), BENCH_SECONDS (15), BENCH_PHOTOS (1000),
// BENCH_SKIP (comma list of page,progress,upload).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { request } from "playwright-core";
import { startApp } from "../test/helpers/app-process";
import { createDatabase, dropDatabase } from "../test/helpers/pg";

const POLLERS = Number(process.env.BENCH_POLLERS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 1000);
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const root = path.resolve(import.meta.dirname, "..");

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** `POLLERS` clients, each GETting its URL once a second for `SECONDS`; URLs alternate between the targets. */
async function poll(targets: Record<string, string>, cookie: string): Promise<Record<string, { lat: number[]; errors: number }>> {
  const names = Object.keys(targets);
  const out = Object.fromEntries(names.map((n) => [n, { lat: [] as number[], errors: 0 }]));
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: POLLERS }, async (_, i) => {
      const name = names[i % names.length]!;
      await sleep(Math.random() * 1000); // spread the pollers over the second, as real dashboards are
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(targets[name]!, { headers: { cookie }, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status !== 200) out[name]!.errors++;
          else out[name]!.lat.push(performance.now() - t0);
        } catch {
          out[name]!.errors++;
        }
        await sleep(Math.max(0, 1000 - (performance.now() - t0)));
      }
    }),
  );
  return out;
}

async function pagePhase(): Promise<void> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("bench:load needs `npm run build` first");
  const { name, url } = await createDatabase("benchload");
  const dataDir = mkdtempSync(path.join(tmpdir(), "insta-benchload-"));
  const app = await startApp(
    { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, DATA_DIR: dataDir, NEXTAUTH_SECRET: "bench-load-secret-0123456789", RUN_WORKERS: "0" },
    3900 + (process.pid % 90),
  );
  const client = new pg.Client({ connectionString: url });
  try {
    const api = await request.newContext({ baseURL: app.baseUrl });
    const user = { email: `load-${randomBytes(4).toString("hex")}@example.test`, name: "Load", password: "load-test-password-1" };
    await api.post("/api/signup", { data: user });
    const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await api.post("/api/auth/callback/credentials", { form: { csrfToken, email: user.email, password: user.password, json: "true" }, maxRedirects: 0 });
    // Sign-up's answer does not name the personal team (it is the same for a taken e-mail).
    const { teams } = (await (await api.get("/api/teams")).json()) as { teams: { id: string; personal: boolean }[] };
    const teamId = teams.find((t) => t.personal)!.id;
    const { set } = (await (await api.post(`/api/teams/${teamId}/sets`, { data: { name: "load" } })).json()) as { set: { id: string } };
    const cookie = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    await client.connect();
    // A queued set of PHOTOS photos, as if uploaded and decoded, and a run that finishes PHOTOS/SECONDS per second.
    await client.query(
      `INSERT INTO "Photo" (id, "setId", "teamId", "contentHash", "originalName", "mimeType", "sizeBytes", state, width, height, "updatedAt")
       SELECT 'p' || g || '${randomBytes(3).toString("hex")}', $1, $2, md5(g::text) || md5((g + 1)::text), 'img-' || g || '.jpg', 'image/jpeg', 100000, 'QUEUED', 1200, 900, now()
       FROM generate_series(1, $3) g`,
      [set.id, teamId, PHOTOS],
    );
    await client.query(`UPDATE "PhotoSet" SET status = 'RUNNING' WHERE id = $1`, [set.id]);
    const perTick = Math.max(1, Math.ceil(PHOTOS / SECONDS / 10));
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await client.query(
          `UPDATE "Photo" SET state = 'ANALYZED', category = 'travel', "qualityScore" = random() * 10, "instagramScore" = random() * 10, "updatedAt" = now()
           WHERE id IN (SELECT id FROM "Photo" WHERE "setId" = $1 AND state = 'QUEUED' LIMIT $2)`,
          [set.id, perTick],
        );
        await sleep(100);
      }
    })();
    const base = app.baseUrl;
    const r = await poll(
      { "set page (HTML)": `${base}/t/${teamId}/sets/${set.id}`, "progress API": `${base}/api/teams/${teamId}/sets/${set.id}/analysis` },
      cookie,
    );
    writing = false;
    await writer;
    const done = (await client.query(`SELECT count(*)::int AS n FROM "Photo" WHERE "setId" = $1 AND state = 'ANALYZED'`, [set.id])).rows[0] as { n: number };
    console.log(`\n== set page and progress: ${POLLERS} pollers x ${SECONDS} s, ${PHOTOS}-photo run (${done.n} analysed meanwhile)`);
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    for (const [k, v] of Object.entries(r)) {
      const s = [...v.lat].sort((a, b) => a - b);
      console.log(`${k.padEnd(18)} requests ${s.length}  p50 ${f(pct(s, 50))}  p99 ${f(pct(s, 99))}  max ${f(s.at(-1) ?? NaN)}  errors ${v.errors}`);
    }
    await api.dispose();
  } finally {
    await client.end().catch(() => undefined);
    await app.stop();
    await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function run(script: string, env: Record<string, string>, args: string[] = []): Promise<void> {
  console.log(`\n== npm run ${script} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, ...(args.length ? ["--", ...args] : [])], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: "inherit",
    });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  if (!SKIP.has("page")) await pagePhase();
  if (!SKIP.has("progress")) await run("bench:progress", { BENCH_PHOTOS: String(PHOTOS), BENCH_POLLERS: String(POLLERS), BENCH_SECONDS: String(SECONDS) });
  if (!SKIP.has("upload")) await run("bench:upload", {}, ["--mb", "1024"]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
