// One rate budget shared through Redis: the clustered bottleneck keys survive a
// limiter restart and expire when unused (and a limiter started after expiry
// works), and two `npm run worker` processes together stay under the
// provider's limit: no 429s, nothing over the limit by the server's own audit.
import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSharedBudget, sharedBucketParams } from "@/lib/analysis";
import { db, ensureMigrated } from "@/lib/db";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";
import { oneByOneLlamaEnv, startWorker, stopProcess, stopWorkers, workerReady } from "@/test/helpers/faults-worker";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("shared budget keys", () => {
  it("bucket parameters never allow more than the limit in a 60 s window", () => {
    for (const [rpm, burst] of [[3000, 1.8], [600, 2], [10, 2], [100_000, 0.2]] as const) {
      const p = sharedBucketParams(rpm, burst);
      const perMinute = (p.reservoirIncreaseAmount / p.reservoirIncreaseInterval) * 60_000;
      expect(p.reservoirIncreaseMaximum + perMinute).toBeLessThanOrEqual(rpm + 1e-6);
      expect(p.reservoir).toBeGreaterThanOrEqual(1);
    }
  });

  it("survives a restart and works again after its keys expired", async () => {
    const key = `test-${randomUUID()}`;
    const redis = new Redis(REDIS_URL);
    try {
      const a = createSharedBudget({ redisUrl: REDIS_URL, key, requestsPerMinute: 6000, burstSeconds: 1, keyTtlMs: 1500 });
      for (let i = 0; i < 5; i++) await a.acquire();
      await a.close();
      expect((await redis.keys(`b_instaorganizer:${key}*`)).length).toBeGreaterThan(0);
      // Restart with the keys still there.
      const b = createSharedBudget({ redisUrl: REDIS_URL, key, requestsPerMinute: 6000, burstSeconds: 1, keyTtlMs: 1500 });
      for (let i = 0; i < 5; i++) await b.acquire();
      await b.close();
      // Unused: the keys expire...
      await sleep(2500);
      expect(await redis.keys(`b_instaorganizer:${key}*`)).toEqual([]);
      // ...and a new limiter starts from scratch.
      const c = createSharedBudget({ redisUrl: REDIS_URL, key, requestsPerMinute: 6000, burstSeconds: 1, keyTtlMs: 1500 });
      for (let i = 0; i < 5; i++) await c.acquire();
      await c.close();
    } finally {
      redis.disconnect();
    }
  });
});

describe("two worker processes", () => {
  let server: LlamaServer;
  const RPM = 1200; // 20/s shared; each process alone would pace itself at 20/s

  beforeAll(async () => {
    await ensureMigrated();
    server = await createLlamaServer({ rpm: RPM, latencyMedianMs: 100, seed: 9, apiKey: "k" });
    await storeAnalysisImages("redis", 200);
  });
  afterAll(async () => {
    await stopWorkers();
    await server?.close();
  });

  const startSharedWorker = (setId: string) => startWorker(setId, { REDIS_URL, ...oneByOneLlamaEnv(server.url, 32), LLAMA_MAX_RPM: String(RPM) });

  it("stay under the shared limit together", async () => {
    const s = await seedQueuedSet("redis", 200);
    // Pause the set while both start, so they begin together.
    await db().photoSet.update({ where: { id: s.setId }, data: { status: "PAUSED" } });
    const workers = [startSharedWorker(s.setId), startSharedWorker(s.setId)];
    await Promise.all(workers.map(workerReady));
    server.resetStats();
    const t0 = Date.now();
    await db().photoSet.update({ where: { id: s.setId }, data: { status: "IDLE" } });
    const end = Date.now() + 90_000;
    while ((await db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } })) < 200) {
      if (Date.now() > end) throw new Error("timed out");
      await sleep(200);
    }
    const elapsedS = (Date.now() - t0) / 1000;
    await Promise.all(workers.map((w) => stopProcess(w)));

    const st = server.stats();
    expect(st.accepted).toBeGreaterThanOrEqual(200);
    expect(st.overLimit).toBe(0);
    expect(st.rejected429).toBe(0);
    // Budget: the burst plus the refill over the run (one worker alone would be allowed this much too).
    expect(st.accepted).toBeLessThanOrEqual((RPM / 60) * 2 + (RPM / 60) * elapsedS);
    // Both processes did part of the work (a shared queue, not one idle process).
    const owners = await db().analysisRun.findMany({ where: { setId: s.setId } });
    expect(owners.length).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
