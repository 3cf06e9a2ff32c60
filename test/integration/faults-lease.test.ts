// Fault: a worker process killed with SIGKILL while it holds photos (claimed,
// requests in flight). Its leases bound how long they stay ANALYZING: at the
// kill no lease reaches further than ANALYSIS_LEASE_MS ahead (renewal keeps
// them short), and a run started right after the kill waits for those leases,
// reclaims the photos and finishes the set: nothing stays ANALYZING, nothing
// is lost, and the new run analyses exactly the photos the dead one had not saved.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { runAnalysis } from "@/lib/analysis";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";
import { until } from "@/test/helpers/faults-wait";
import { connectionsGone, oneByOneLlamaEnv, startWorker, stopProcess, stopWorkers, taggedDatabaseUrl } from "@/test/helpers/faults-worker";

const N = 80;
const IN_FLIGHT = 8;
const LEASE_MS = 2000;
const WORKER_APP = `lease-worker-${process.pid}`;
let server: LlamaServer;

beforeAll(async () => {
  await ensureMigrated();
  // Slow answers: at the kill the worker holds photos with requests in flight.
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 400, latencySpread: 0.2, seed: 81, apiKey: "k" });
  await storeAnalysisImages("lease", N);
});
afterAll(async () => {
  await stopWorkers();
  await server?.close();
});

const startLeaseWorker = (setId: string) =>
  startWorker(setId, {
    DATABASE_URL: taggedDatabaseUrl(getEnv().DATABASE_URL!, WORKER_APP),
    ...oneByOneLlamaEnv(server.url, IN_FLIGHT),
    ANALYSIS_LEASE_MS: String(LEASE_MS),
  });

it("SIGKILL while holding photos: leases last at most ANALYSIS_LEASE_MS, and a new run reclaims and finishes them", async () => {
  const s = await seedQueuedSet("lease", N);
  const inState = (state: "ANALYZED" | "ANALYZING") => db().photo.count({ where: { setId: s.setId, state } });

  const worker = startLeaseWorker(s.setId);
  // Past the first lease renewal (every LEASE_MS / 3), with photos in hand.
  await until(async () => (await inState("ANALYZED")) >= IN_FLIGHT * 2 && (await inState("ANALYZING")) >= IN_FLIGHT, 60_000, "a worker in mid-run");
  await stopProcess(worker, "SIGKILL");
  // A statement the worker sent just before dying still commits; count what was saved only
  // once Postgres has ended every connection of the dead process.
  await connectionsGone(WORKER_APP);

  const held = await db().$queryRaw<{ n: bigint; owners: bigint; aheadMs: number }[]>`
    SELECT count(*) AS n, count(DISTINCT "leaseOwner") AS owners,
           coalesce(extract(epoch FROM max("leaseExpiresAt") - now()) * 1000, 0)::float8 AS "aheadMs"
    FROM "Photo" WHERE "setId" = ${s.setId} AND state = 'ANALYZING'`;
  const h = held[0];
  expect(Number(h?.n)).toBeGreaterThan(0); // the dead worker really held photos
  expect(Number(h?.owners)).toBe(1);
  expect(h?.aheadMs).toBeLessThanOrEqual(LEASE_MS); // nobody holds a photo longer than the lease
  const savedAtKill = await inState("ANALYZED");
  expect(savedAtKill).toBeLessThan(N);
  // The writer stores cache rows before photo states, so a kill between the two leaves
  // answers that are cached but not yet linked: the new run must reuse them, not re-ask.
  const cachedAtKill = await db().analysisCache.count({ where: { teamId: s.teamId } });
  expect(cachedAtKill).toBeGreaterThanOrEqual(savedAtKill);

  // A new run (as after a restart) right away: it must wait out the dead leases and take the photos back.
  const config = resolveConfig({
    flags: { provider: "llama", baseUrl: server.url, apiKey: "k", batchSize: 1, optimalBatchSize: 1, parallelWorkers: IN_FLIGHT, maxConcurrentRequests: IN_FLIGHT, batchDelayS: 0 },
    env: { NODE_ENV: "test" },
  });
  const rep = await runAnalysis({ setId: s.setId, config, shared: null, leaseMs: LEASE_MS });
  expect(rep.failed).toBe(0);
  // Exactly what was not saved at the kill, once each: answers already cached are linked,
  // only photos without one are sent.
  expect(rep.cached).toBe(cachedAtKill - savedAtKill);
  expect(rep.analyzed).toBe(N - cachedAtKill);
  const photos = await db().photo.findMany({ where: { setId: s.setId } });
  expect(photos.filter((p) => p.state !== "ANALYZED")).toEqual([]);
  expect(photos.every((p) => p.analysisId && p.leaseOwner === null && p.leaseExpiresAt === null)).toBe(true);
  expect(await db().analysisCache.count({ where: { teamId: s.teamId } })).toBe(N);
}, 60_000);
