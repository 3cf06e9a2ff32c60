// Fault injection: 2% server errors, 1% hangs (aborted at fast_timeout) and 1%
// malformed answers on a 1000-image run: every image ends analysed, nothing
// crashes, and the run counted what happened.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { runAnalysis } from "@/lib/analysis";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/bench/seed";

let server: LlamaServer;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({
    rpm: 30_000,
    latencyMedianMs: 40,
    seed: 11,
    apiKey: "k",
    faults: { serverError: 0.02, hang: 0.01, malformed: 0.01 },
  });
  await storeAnalysisImages("faults", 1000);
});
afterAll(async () => {
  await server?.close();
});

it("a 1000-image run with 5xx, hangs and malformed answers ends with every image analysed", async () => {
  const s = await seedQueuedSet("faults", 1000);
  const config = resolveConfig({
    flags: {
      provider: "llama",
      baseUrl: server.url,
      apiKey: "k",
      batchSize: 4,
      optimalBatchSize: 4,
      parallelWorkers: 64,
      maxConcurrentRequests: 64,
      batchDelayS: 0,
      fastTimeoutS: 1,
      maxRetries: 6,
    },
    env: { NODE_ENV: "test" },
  });
  const rep = await runAnalysis({ setId: s.setId, config, shared: null });
  expect(rep.failed).toBe(0);
  expect(rep.analyzed).toBe(1000);
  expect(await db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } })).toBe(1000);
  const f = server.stats().faults;
  expect(f.serverError + f.hang + f.malformed).toBeGreaterThan(0);
  expect(rep.timeouts).toBeGreaterThanOrEqual(f.hang > 0 ? 1 : 0);
  expect(rep.retries).toBeGreaterThan(0);
  expect(server.stats().overLimit).toBe(0);
}, 120_000);
