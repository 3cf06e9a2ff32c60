// Fault: PostgreSQL restarts (pg_ctl restart -m fast: every connection cut)
// while a worker process (`npm run worker`'s entry point) is analysing a set.
// The worker must survive it (no exit, no crash loop), resume by itself once
// the database is back, and every photo must end analysed exactly once (one
// analysis row each); photos saved before the restart are never sent again,
// and only those in flight or answered while the database was away may be.
// The database is a private throwaway cluster (the shared one is everyone's);
// what was sent is counted by a recording proxy outside the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db, ensureMigrated } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { contentHashFor, seedQueuedSet, smallJpeg, storeAnalysisImages } from "@/test/fixtures/seed";
import { createRecordingProxy, dataUrlHash, type RecordingProxy } from "@/test/helpers/recording-proxy";
import { havePgBinaries, startPgCluster, type PgCluster } from "@/test/helpers/faults-pg-cluster";
import { until } from "@/test/helpers/faults-wait";
import { oneByOneLlamaEnv, startWorker, stopProcess, stopWorkers } from "@/test/helpers/faults-worker";

const N = 200;
const IN_FLIGHT = 8;

describe.skipIf(!havePgBinaries)("PostgreSQL restart mid-run", () => {
  let cluster: PgCluster | undefined;
  let server: LlamaServer;
  let proxy: RecordingProxy;
  let sharedUrl: string | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster();
    // This file's own client goes to the private cluster too.
    sharedUrl = process.env.DATABASE_URL;
    await closeDb();
    process.env.DATABASE_URL = cluster.url;
    resetEnvCache();
    await ensureMigrated();
    server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 120, seed: 71, apiKey: "k" });
    proxy = await createRecordingProxy(server.url);
    await storeAnalysisImages("dbrestart", N);
  });
  afterAll(async () => {
    await stopWorkers();
    await closeDb();
    process.env.DATABASE_URL = sharedUrl;
    resetEnvCache();
    await proxy?.close();
    await server?.close();
    await cluster?.destroy();
  });

  const startRestartWorker = (setId: string) => startWorker(setId, { ...oneByOneLlamaEnv(proxy.url, IN_FLIGHT), ANALYSIS_LEASE_MS: "2000" });

  it("the worker survives a database restart and finishes the set; nothing saved is re-sent, nothing is analysed twice", async () => {
    const s = await seedQueuedSet("dbrestart", N);
    // Our own pool also loses its connections at the restart: a failed poll just polls again.
    const analyzed = async () => {
      try {
        return await db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } });
      } catch {
        return -1;
      }
    };
    const worker = startRestartWorker(s.setId);
    let exited: number | null = null;
    worker.once("exit", (code) => (exited = code ?? -1));

    await until(async () => (await analyzed()) >= N / 4, 60_000, "a quarter of the set analysed");
    const doneBefore = await db().photo.findMany({ where: { setId: s.setId, state: "ANALYZED" }, select: { contentHash: true } });
    const sentBefore = new Map(proxy.sent);
    await (cluster as PgCluster).restart();
    const doneAtRestart = await until(async () => (await analyzed()) >= 0, 30_000, "the database back").then(analyzed);
    expect(doneAtRestart).toBeLessThan(N); // the restart really happened mid-run

    await until(async () => (await analyzed()) === N || exited !== null, 50_000, "every photo analysed");
    expect(exited, "the worker exited").toBeNull();
    expect(await analyzed()).toBe(N);
    await stopProcess(worker);

    const photos = await db().photo.findMany({ where: { setId: s.setId } });
    expect(photos.every((p) => p.state === "ANALYZED" && p.analysisId && p.leaseOwner === null)).toBe(true);
    expect(await db().analysisCache.count({ where: { teamId: s.teamId } })).toBe(N);

    const savedBefore = new Set(doneBefore.map((p) => p.contentHash));
    let resent = 0;
    for (let i = 0; i < N; i++) {
      const h = dataUrlHash(await smallJpeg(i));
      const total = proxy.sent.get(h) ?? 0;
      expect(total, `photo ${i} was never sent`).toBeGreaterThanOrEqual(1);
      if (savedBefore.has(contentHashFor("dbrestart", i))) expect(total, `photo ${i} was saved before the restart and sent again`).toBe(sentBefore.get(h));
      if (total > 1) resent++;
    }
    console.log(`[faults-db-restart] saved before restart ${doneBefore.length}/${N}, re-sent ${resent}`);
    // Re-sent: only those in flight plus those answered before the worker noticed the database was away
    // (it claims at least every 200 ms, and a claim fails at once): a handful of rounds of IN_FLIGHT, never the set.
    expect(resent).toBeLessThanOrEqual(IN_FLIGHT * 5);
  }, 90_000);
});
