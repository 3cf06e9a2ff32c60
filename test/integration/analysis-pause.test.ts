// Pause means stop spending requests: once a set is paused, the engine sends
// nothing more for it - neither its photos waiting in the engine nor batches
// already handed to the scheduler and waiting there for a slot or rate budget.
// Requests in flight finish and are saved; everything unsent goes back to the
// queue, and resuming finishes the set with every photo sent exactly once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { runAnalysis } from "@/lib/analysis";
import { setRunStatus } from "@/lib/runs/run-control";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";
import { until } from "@/test/helpers/faults-wait";

const N = 40;
let server: LlamaServer;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 150, latencySpread: 0.2, seed: 31, apiKey: "k" });
  await storeAnalysisImages("pause", N);
});
afterAll(async () => {
  await server?.close();
});

it("a paused set gets no further requests, its unsent photos go back to the queue, and resuming sends each once", async () => {
  const s = await seedQueuedSet("pause", N);
  const settings = (rpm: number) =>
    resolveConfig({
      flags: {
        provider: "llama", baseUrl: server.url, apiKey: "k", batchSize: 1, optimalBatchSize: 1, parallelWorkers: 8,
        maxConcurrentRequests: 8, batchDelayS: 0, maxRequestsPerMinute: rpm, burstMode: false,
      },
      env: { NODE_ENV: "test" },
    });
  // One request a second: the engine keeps several batches waiting in the scheduler for rate budget.
  const analysed = () => db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } });
  const first = runAnalysis({ setId: s.setId, config: settings(60), shared: null });
  await until(async () => (await analysed()) >= 3, 30_000, "a few photos analysed");
  const sentAtPause = server.stats().received;
  await setRunStatus(s.teamId, s.setId, "pause");
  const rep = await first; // the run ends: nothing of its scope may be sent
  const sentByFirstRun = server.stats().received;
  // After the pause: at most the request in flight and what the engine sent before it saw the
  // pause (it looks every second; one request a second). Batches waiting in the scheduler are not sent.
  expect(sentByFirstRun - sentAtPause).toBeLessThanOrEqual(4); // measured 0; before this fix 13

  // Every request sent was answered and saved; everything else is back in the queue, unleased.
  const photos = await db().photo.findMany({ where: { setId: s.setId } });
  const done = photos.filter((p) => p.state === "ANALYZED").length;
  expect(done).toBe(sentByFirstRun);
  expect(rep.analyzed).toBe(done);
  expect(photos.filter((p) => p.state !== "ANALYZED").every((p) => p.state === "QUEUED" && p.leaseOwner === null)).toBe(true);

  await setRunStatus(s.teamId, s.setId, "resume");
  const second = await runAnalysis({ setId: s.setId, config: settings(60_000), shared: null });
  expect(second.analyzed).toBe(N - done);
  expect(server.stats().received).toBe(N); // each photo sent once over both runs
  expect(await analysed()).toBe(N);
}, 90_000);
