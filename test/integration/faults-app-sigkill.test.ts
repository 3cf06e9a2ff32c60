// Fault: the app server itself (`npm start`'s server, which runs the image
// worker in-process and the analysis worker as its child) killed with SIGKILL, then started again on the
// same database and data folder.
// 1. During uploads: three uploads held mid-stream by the client, six
//    acknowledged uploads, and a photo whose decode is in progress (a row
//    whose original is a FIFO, so the image worker blocks reading it; the
//    other lanes must carry on meanwhile). After the restart: the killed
//    uploads' temp files are gone, every stored file belongs to a photo row
//    and every row has its bytes (hash-checked), the photo that was
//    mid-decode is taken again once its lease runs out, the client's "which
//    do you have" check + re-upload completes the set, and the image
//    pipeline processes every photo.
// 2. During analysis: the in-server analysis worker killed mid-run against the
//    local Llama-protocol server. After the restart every photo ends ANALYZED
//    with exactly one analysis row, none stays ANALYZING, and a recording proxy
//    in front of the provider shows that only photos in flight at the kill
//    were sent again.
// 3. SIGTERM (a deploy, `docker stop`) mid-analysis: the server hands back the
//    photos its worker held (no lease left to run out) and exits with 143;
//    the restarted server finishes the set.
// 4. SIGKILL of the server alone: its analysis worker process notices, hands
//    back its photos and ends (no orphan keeps analysing).
// The database and data folder are private: the app's workers take every
// queued photo they can see, so they must not see other test files' photos.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { availableParallelism, getPriority, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db, ensureMigrated } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { createRecordingProxy, dataUrlHash, type RecordingProxy } from "@/test/helpers/recording-proxy";
import { AppClient, type UploadFile } from "@/test/helpers/app-client";
import { startApp, type AppProcess } from "@/test/helpers/app-process";
import { until } from "@/test/helpers/faults-wait";
import { oneByOneLlamaEnv } from "@/test/helpers/faults-worker";
import { sceneJpeg } from "@/test/helpers/images";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";
import { childrenOf, gone } from "@/test/helpers/proc";

const root = path.resolve(import.meta.dirname, "../..");
const LEASE_MS = 2000;
const IN_FLIGHT = 4;
const HELD = 3;
const HELD_BYTES = 6 * 1024 * 1024;
const HOLD_AT = 2 * 1024 * 1024;
const ANALYSED = 40;

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const exited = (a: AppProcess) =>
  a.child.exitCode !== null || a.child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => a.child.once("exit", () => r()));

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function walk(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return (await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])))).flat();
}

describe("the app server SIGKILLed", () => {
  let dbName = "";
  let dataDir = "";
  let storageDir = "";
  let sharedEnv: { DATABASE_URL?: string; DATA_DIR?: string } = {};
  let server: LlamaServer;
  let proxy: RecordingProxy;
  let port = 0;
  let app: AppProcess | undefined;
  let client: AppClient;

  const start = async () => {
    app = await startApp(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: process.env.DATABASE_URL,
        DATA_DIR: dataDir,
        NEXTAUTH_SECRET: "kill-test-secret-0123456789abcdef",
        IMAGE_LEASE_MS: String(LEASE_MS),
        ANALYSIS_LEASE_MS: String(LEASE_MS),
        ...oneByOneLlamaEnv(proxy.url, IN_FLIGHT),
        ENABLE_FAST_MODE: "0",
      },
      port,
    );
    return app;
  };
  // The server and its analysis worker process die together, as when the
  // machine or container goes (a worker left alone would hand back its photos).
  const kill = async () => {
    const a = app!;
    const worker = childrenOf(a.child.pid!);
    a.child.kill("SIGKILL");
    for (const pid of worker) process.kill(pid, "SIGKILL");
    await exited(a);
    await until(async () => worker.every(gone), 10_000, "the worker process to be gone");
    return a.child.pid!;
  };

  beforeAll(async () => {
    if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
      throw new Error("This test runs the built app: run `npm run build` first (npm run test:all does).");
    }
    const created = await createDatabase("kill");
    dbName = created.name;
    dataDir = await mkdtemp(path.join(tmpdir(), "insta-kill-"));
    storageDir = path.join(dataDir, "storage");
    // This file's own client goes to the private database too.
    sharedEnv = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
    await closeDb();
    process.env.DATABASE_URL = created.url;
    process.env.DATA_DIR = dataDir;
    resetEnvCache();
    await ensureMigrated();
    // Slow enough answers that a kill finds requests in flight.
    server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 300, latencySpread: 0.2, seed: 91, apiKey: "k" });
    proxy = await createRecordingProxy(server.url);
    port = await freePort();
    await start();
    client = new AppClient(app!.baseUrl);
    await client.signUp();
  });
  afterAll(async () => {
    await app?.stop();
    if (app && process.env.KILL_TEST_APP_LOG) console.log(app.output());
    await proxy?.close();
    await server?.close();
    await closeDb();
    process.env.DATABASE_URL = sharedEnv.DATABASE_URL;
    process.env.DATA_DIR = sharedEnv.DATA_DIR;
    resetEnvCache();
    if (dbName) await dropDatabase(dbName);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A paused set (the analysis worker leaves it alone until it is started). */
  async function pausedSet(name: string): Promise<string> {
    const { set } = await client.json<{ set: { id: string } }>("POST", `/api/teams/${client.teamId}/sets`, { name });
    await client.json("POST", `/api/teams/${client.teamId}/sets/${set.id}/analysis`, { action: "pause" });
    return set.id;
  }

  const stored = (hash: string, suffix: string) => path.join(storageDir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.${suffix}`);

  /** Every row has its original (right size, right hash); every stored file belongs to a row. */
  async function storageMatchesRows(): Promise<{ orphans: string[]; halfRows: string[] }> {
    const rows = await db().photo.findMany({ select: { id: true, contentHash: true, sizeBytes: true } });
    const hashes = new Set(rows.map((r) => r.contentHash));
    const files = (await walk(storageDir)).filter((f) => !f.startsWith(path.join(storageDir, "tmp") + path.sep));
    const orphans = files.filter((f) => !hashes.has(path.basename(f).slice(0, 64)));
    const halfRows: string[] = [];
    for (const r of rows) {
      const bytes = await readFile(stored(r.contentHash, "orig")).catch(() => null);
      if (!bytes || bytes.length !== r.sizeBytes || sha(bytes) !== r.contentHash) halfRows.push(r.id);
    }
    return { orphans, halfRows };
  }

  const tempFiles = async () => {
    const dir = path.join(storageDir, "tmp");
    const names = existsSync(dir) ? await readdir(dir) : [];
    return Promise.all(names.map(async (name) => ({ name, size: (await stat(path.join(dir, name)).catch(() => ({ size: 0 }))).size })));
  };
  const states = async (setId: string) =>
    Object.fromEntries(
      (await db().photo.groupBy({ by: ["state"], where: { setId }, _count: true })).map((g) => [g.state, g._count]),
    ) as Partial<Record<string, number>>;

  it("during uploads: after a restart no temp or orphan file, no row without its bytes; re-uploading completes the set and every photo is processed", async () => {
    const setId = await pausedSet("uploads");
    const uploadPath = `/api/teams/${client.teamId}/sets/${setId}/uploads`;

    // A photo mid-decode: stored like an upload, but its original is a FIFO nobody writes,
    // so the image worker blocks reading it until the kill.
    const stuck: UploadFile = { name: "stuck.jpg", data: await sceneJpeg(700, 800, 600) };
    const fifo = stored(sha(stuck.data), "orig");
    await mkdir(path.dirname(fifo), { recursive: true });
    await promisify(execFile)("mkfifo", [fifo]);
    const stuckRow = await db().photo.create({
      data: { setId, teamId: client.teamId, contentHash: sha(stuck.data), originalName: stuck.name, mimeType: "image/jpeg", sizeBytes: stuck.data.length },
    });
    await until(async () => (await db().photo.findUniqueOrThrow({ where: { id: stuckRow.id } })).state === "PROCESSING", 30_000, "the image worker to take the stuck photo");

    // Uploads held mid-stream: a real JPEG padded to HELD_BYTES, each different.
    const held: UploadFile[] = [];
    for (let i = 0; i < HELD; i++) {
      const head = await sceneJpeg(710 + i, 1200, 900);
      held.push({ name: `big-${i}.jpg`, data: Buffer.concat([head, Buffer.from(`salt ${i}`), Buffer.alloc(HELD_BYTES - head.length - 6)]) });
    }
    let release = () => {};
    const never = new Promise<void>((r) => (release = r));
    const heldResults = held.map((f) =>
      client.upload(uploadPath, [f], { afterBytes: HOLD_AT, until: never }).then(
        (r) => r.status,
        () => "cut" as const,
      ),
    );
    await until(async () => (await tempFiles()).filter((t) => t.size >= HOLD_AT / 2).length >= HELD, 60_000, "the held uploads to be mid-stream on the server");

    // Acknowledged uploads: the server answered 200 for each, so they must survive.
    const done: UploadFile[] = [];
    for (let i = 0; i < 6; i++) done.push({ name: `photo-${i}.jpg`, data: await sceneJpeg(720 + i, 1600, 1200) });
    const acks = await Promise.all([client.upload(uploadPath, done.slice(0, 3)), client.upload(uploadPath, done.slice(3))]);
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    // The other lanes of the image worker carry on while one photo is stuck (one lane per core).
    if (availableParallelism() > 1) {
      await until(async () => (await states(setId)).QUEUED === done.length, 60_000, "the acknowledged photos to be processed beside the stuck one");
    }

    const deadPid = await kill();
    release();
    expect(await Promise.all(heldResults)).toEqual(Array(HELD).fill("cut"));

    // At the kill: rows for exactly the acknowledged files (and the stuck one), none for the cut uploads;
    // the cut uploads' partial files are left in tmp; a photo in PROCESSING holds it at most one lease.
    const rowsAtKill = await db().photo.findMany({ where: { setId } });
    expect(new Set(rowsAtKill.map((r) => r.contentHash))).toEqual(new Set([stuck, ...done].map((f) => sha(f.data))));
    const leftBehind = (await tempFiles()).filter((t) => t.name.split("~")[1] === String(deadPid));
    expect(leftBehind.length).toBeGreaterThanOrEqual(HELD);
    const working = await db().$queryRaw<{ n: bigint; aheadMs: number | null }[]>`
      SELECT count(*) AS n, (extract(epoch FROM max("leaseExpiresAt") - now()) * 1000)::float8 AS "aheadMs"
      FROM "Photo" WHERE "setId" = ${setId} AND state = 'PROCESSING'`;
    expect(Number(working[0]?.n)).toBeGreaterThanOrEqual(1); // the stuck photo, at least
    expect(working[0]?.aheadMs).toBeLessThanOrEqual(LEASE_MS);

    // The stuck photo's real bytes take the FIFO's place (atomically, as storage writes), so it can be processed now.
    await writeFile(`${fifo}.part`, stuck.data);
    await rename(`${fifo}.part`, fifo);

    await start();
    expect((await tempFiles()).filter((t) => t.name.split("~")[1] === String(deadPid))).toEqual([]);
    expect(await storageMatchesRows()).toEqual({ orphans: [], halfRows: [] });
    // The restarted worker takes back what the dead one held once its lease ran out, and finishes everything.
    await until(async () => {
      const s = await states(setId);
      return !s.UPLOADED && !s.PROCESSING;
    }, 60_000, "the image pipeline to finish the photos uploaded before the kill");
    expect(await states(setId)).toEqual({ QUEUED: 1 + done.length });
    expect(await db().photo.findUniqueOrThrow({ where: { id: stuckRow.id } })).toMatchObject({ state: "QUEUED", attempts: 2, leaseOwner: null });

    // The client drops the same folder again: it asks which hashes the set has and sends only the rest.
    const folder = [stuck, ...done, ...held];
    const { existing } = await client.json<{ existing: string[] }>("POST", `${uploadPath}/check`, { hashes: folder.map((f) => sha(f.data)) });
    expect(new Set(existing)).toEqual(new Set([stuck, ...done].map((f) => sha(f.data))));
    const missing = folder.filter((f) => !existing.includes(sha(f.data)));
    const again = await client.upload(uploadPath, missing);
    expect(again.status).toBe(200);
    expect((again.body as { results: { ok: boolean; duplicate: boolean }[] }).results).toEqual(
      missing.map(() => expect.objectContaining({ ok: true, duplicate: false })),
    );

    await until(async () => (await states(setId)).QUEUED === folder.length, 60_000, "the image pipeline to process the re-uploaded photos");
    expect(await states(setId)).toEqual({ QUEUED: folder.length });
    const photos = await db().photo.findMany({ where: { setId } });
    expect(new Set(photos.map((p) => p.contentHash))).toEqual(new Set(folder.map((f) => sha(f.data))));
    for (const p of photos) {
      expect(p.width, p.originalName).toBeGreaterThan(0);
      for (const kind of ["analysis.jpg", "thumb.webp"]) {
        expect(existsSync(stored(p.contentHash, kind)), `${p.originalName} ${kind}`).toBe(true);
      }
    }
    expect(await storageMatchesRows()).toEqual({ orphans: [], halfRows: [] });
    expect(await tempFiles()).toEqual([]);
  }, 240_000);

  it("during analysis: after a restart every photo is analysed exactly once and only photos in flight at the kill are sent again", async () => {
    const setId = await pausedSet("analysis");
    const uploadPath = `/api/teams/${client.teamId}/sets/${setId}/uploads`;
    const files: UploadFile[] = [];
    for (let i = 0; i < ANALYSED; i++) files.push({ name: `a-${i}.jpg`, data: await sceneJpeg(800 + i, 320, 240) });
    for (let i = 0; i < ANALYSED; i += 10) expect((await client.upload(uploadPath, files.slice(i, i + 10))).status).toBe(200);
    await until(async () => (await states(setId)).QUEUED === ANALYSED, 60_000, "the image pipeline to queue the photos");

    // What the provider receives for each photo: its analysis JPEG as a data URL.
    const photos = await db().photo.findMany({ where: { setId }, select: { id: true, contentHash: true } });
    const sentAs = new Map<string, string>();
    for (const p of photos) {
      sentAs.set(p.id, dataUrlHash(await readFile(stored(p.contentHash, "analysis.jpg"))));
    }
    expect(new Set(sentAs.values()).size).toBe(ANALYSED);

    await client.json("POST", `/api/teams/${client.teamId}/sets/${setId}/analysis`, { action: "start" });
    const count = async (state: "ANALYZED" | "ANALYZING") => db().photo.count({ where: { setId, state } });
    await until(async () => (await count("ANALYZED")) >= ANALYSED / 4 && (await count("ANALYZING")) > 0, 60_000, "the analysis to be mid-run");
    await kill();

    const atKill = await db().photo.findMany({ where: { setId }, select: { id: true, state: true } });
    const finishedAtKill = new Set(atKill.filter((p) => p.state === "ANALYZED").map((p) => p.id));
    expect(finishedAtKill.size).toBeLessThan(ANALYSED);
    // Every request the dead app got out is counted once the proxy has read its connections to the end.
    await until(async () => (await proxy.openConnections()) === 0, 30_000, "the dead app's connections to the provider to close");
    const sentAtKill = new Map(proxy.sent);
    const leases = await db().$queryRaw<{ n: bigint; aheadMs: number | null }[]>`
      SELECT count(*) AS n, (extract(epoch FROM max("leaseExpiresAt") - now()) * 1000)::float8 AS "aheadMs"
      FROM "Photo" WHERE "setId" = ${setId} AND state = 'ANALYZING'`;
    expect(Number(leases[0]?.n)).toBeGreaterThan(0);
    expect(leases[0]?.aheadMs).toBeLessThanOrEqual(LEASE_MS);

    await start();
    await until(async () => (await count("ANALYZED")) === ANALYSED, 90_000, "the restarted app to finish the analysis");

    const after = await db().photo.findMany({ where: { setId } });
    expect(after.filter((p) => p.state !== "ANALYZED" || !p.analysisId || p.leaseOwner !== null || p.leaseExpiresAt !== null)).toEqual([]);
    expect(new Set(after.map((p) => p.analysisId)).size).toBe(ANALYSED);
    expect(await db().analysisCache.count({ where: { teamId: client.teamId } })).toBe(ANALYSED);

    for (const p of after) {
      const h = sentAs.get(p.id)!;
      const total = proxy.sent.get(h) ?? 0;
      expect(total, `${p.originalName} was never sent`).toBeGreaterThanOrEqual(1);
      if (finishedAtKill.has(p.id)) expect(total, `${p.originalName} was finished before the kill and sent again`).toBe(sentAtKill.get(h));
      if (total > 1) {
        // Sent again only if it was sent before the kill and its answer was not saved: it was in flight.
        expect(sentAtKill.get(h) ?? 0, `${p.originalName} sent twice without being in flight at the kill`).toBeGreaterThanOrEqual(1);
      }
    }
  }, 240_000);

  /** A paused set of 20 photos, prepared, then started and caught mid-run (some ANALYZED, some ANALYZING). */
  async function midRun(name: string, seed: number) {
    const setId = await pausedSet(name);
    const uploadPath = `/api/teams/${client.teamId}/sets/${setId}/uploads`;
    const files: UploadFile[] = [];
    for (let i = 0; i < 20; i++) files.push({ name: `${name}-${i}.jpg`, data: await sceneJpeg(seed + i, 320, 240) });
    for (let i = 0; i < files.length; i += 10) expect((await client.upload(uploadPath, files.slice(i, i + 10))).status).toBe(200);
    await until(async () => (await states(setId)).QUEUED === files.length, 60_000, "the image pipeline to queue the photos");
    await client.json("POST", `/api/teams/${client.teamId}/sets/${setId}/analysis`, { action: "start" });
    const count = async (state: "ANALYZED" | "ANALYZING") => db().photo.count({ where: { setId, state } });
    await until(async () => (await count("ANALYZED")) >= 3 && (await count("ANALYZING")) > 0, 60_000, "the analysis to be mid-run");
    return {
      total: files.length,
      count,
      /** Photos still ANALYZING or leased: what a process that stopped did not hand back. */
      held: () => db().photo.count({ where: { setId, OR: [{ state: "ANALYZING" }, { leaseOwner: { not: null } }] } }),
    };
  }

  it("SIGTERM mid-analysis: the server hands back the photos it held before it exits, and a restart finishes the set", async () => {
    const { total, count, held } = await midRun("sigterm", 900);
    const a = app!;
    a.child.kill("SIGTERM");
    await exited(a);
    expect(a.child.exitCode).toBe(143);
    // Nothing is left leased to the stopped server: no wait for a lease to run out.
    expect(await held()).toBe(0);
    expect(await count("ANALYZED")).toBeLessThan(total);

    await start();
    await until(async () => (await count("ANALYZED")) === total, 90_000, "the restarted app to finish the analysis");
  }, 180_000);

  it("SIGKILL of the server alone: its analysis worker process hands back its photos and ends", async () => {
    const { total, count, held } = await midRun("orphan", 950);
    const a = app!;
    const worker = childrenOf(a.child.pid!);
    expect(worker).toHaveLength(1);
    expect(getPriority(worker[0]), "the worker runs at a lower CPU priority than the server").toBe(10);
    a.child.kill("SIGKILL");
    await exited(a);
    await until(async () => gone(worker[0]!), 15_000, "the orphaned worker to end");
    expect(await held()).toBe(0);

    await start();
    await until(async () => (await count("ANALYZED")) === total, 90_000, "the restarted app to finish the analysis");
  }, 180_000);
});
