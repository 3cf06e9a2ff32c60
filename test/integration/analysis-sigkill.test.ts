// Durability: a worker process (`npm run worker`'s entry point) killed with
// SIGKILL mid-run loses nothing. After a restart every photo ends analysed
// exactly once (one cache row each), no photo that was finished before the
// kill is sent again, and only photos in flight at the kill may be sent twice.
// What was sent is counted by a recording proxy outside the worker.
import { afterAll, beforeAll, expect, it } from "vitest";
import { db, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { contentHashFor, seedQueuedSet, smallJpeg, storeAnalysisImages } from "@/test/fixtures/seed";
import { createRecordingProxy, dataUrlHash, type RecordingProxy } from "@/test/helpers/recording-proxy";
import { until } from "@/test/helpers/faults-wait";
import { connectionsGone, oneByOneLlamaEnv, startWorker, stopProcess, stopWorkers, taggedDatabaseUrl } from "@/test/helpers/faults-worker";

const N = 200;
const IN_FLIGHT = 8;
let server: LlamaServer;
let proxy: RecordingProxy;
const WORKER_APP = `sigkill-worker-${process.pid}`;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 120, seed: 5, apiKey: "k" });
  proxy = await createRecordingProxy(server.url);
  await storeAnalysisImages("sigkill", N);
});
afterAll(async () => {
  await stopWorkers();
  await proxy?.close();
  await server?.close();
});

const worker = (setId: string) =>
  startWorker(setId, {
    DATABASE_URL: taggedDatabaseUrl(getEnv().DATABASE_URL!, WORKER_APP),
    ...oneByOneLlamaEnv(proxy.url, IN_FLIGHT),
    ANALYSIS_LEASE_MS: "2000",
  });

it("SIGKILL mid-run: after a restart every photo is analysed once and nothing finished is re-sent", async () => {
  const s = await seedQueuedSet("sigkill", N);
  const analyzed = () => db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } });

  const first = worker(s.setId);
  await until(async () => (await analyzed()) >= N / 3, 60_000, "a third of the photos analysed");
  await stopProcess(first, "SIGKILL");

  // Read the state at the kill only once nothing of the dead worker can still land: a query
  // it sent just before dying still commits, and a request it wrote is counted by the proxy
  // only when the proxy has read it.
  await until(async () => (await proxy.openConnections()) === 0, 30_000, "the dead worker's requests to be read");
  await connectionsGone(WORKER_APP);
  const doneAtKill = await db().photo.findMany({ where: { setId: s.setId, state: "ANALYZED" }, select: { contentHash: true } });
  expect(doneAtKill.length).toBeLessThan(N);
  // The writer stores answers before photo states: an answer cached at the kill is never asked again.
  const cachedAtKill = new Set(
    (await db().analysisCache.findMany({ where: { teamId: s.teamId }, select: { contentHash: true } })).map((c) => c.contentHash),
  );
  const sentAtKill = new Map(proxy.sent);

  const second = worker(s.setId);
  await until(async () => (await analyzed()) === N, 60_000, "every photo analysed");
  await stopProcess(second);

  // Image hash -> photo index, from the same generated JPEGs.
  const imageOf = new Map<string, number>();
  for (let i = 0; i < N; i++) imageOf.set(contentHashFor("sigkill", i), i);
  const sentHash = new Map<string, string>();
  for (let i = 0; i < N; i++) sentHash.set(contentHashFor("sigkill", i), dataUrlHash(await smallJpeg(i)));

  let resent = 0;
  for (const [contentHash, h] of sentHash) {
    const photo = `photo ${imageOf.get(contentHash)}`;
    const before = sentAtKill.get(h) ?? 0;
    const total = proxy.sent.get(h) ?? 0;
    expect(total, `${photo} was never sent`).toBeGreaterThanOrEqual(1);
    // Answered and stored before the kill (saved, or cached but not yet linked): never asked again.
    if (cachedAtKill.has(contentHash)) expect(total, `${photo}, answered before the kill, was sent again`).toBe(before);
    else if (before > 0) expect(total, `${photo}, unanswered at the kill, was not asked again`).toBeGreaterThan(before);
    // Sent again only if it was in flight or its answer was still unsaved at the kill.
    if (total > 1) {
      expect(before, `${photo} was sent twice by the same run`).toBeGreaterThanOrEqual(1);
      resent++;
    }
  }
  for (const p of doneAtKill) expect(cachedAtKill.has(p.contentHash)).toBe(true);
  // What was lost at the kill is bounded by the worker's window: requests in flight plus
  // answers the writer had not stored yet (it flushes every ~100 ms).
  expect(resent).toBeLessThanOrEqual(IN_FLIGHT * 4);

  const photos = await db().photo.findMany({ where: { setId: s.setId } });
  expect(photos.every((p) => p.state === "ANALYZED" && p.analysisId && p.leaseOwner === null)).toBe(true);
  expect(await db().analysisCache.count({ where: { teamId: s.teamId } })).toBe(N);
}, 120_000);
