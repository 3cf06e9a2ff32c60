// One team's sets may share a request (batches are tenant-pure, never
// set-pure): every set the request served is booked for it - the request, its
// latency, and its photos' share of the tokens - so each set's run tells the
// truth about what it cost.
import { afterAll, beforeAll, expect, it } from "vitest";
import { AnalysisEngine } from "@/lib/analysis/engine";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { createProvider, type VisionProvider } from "@/lib/llama";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";

let server: LlamaServer;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 20, seed: 9, apiKey: "k" });
  await Promise.all([storeAnalysisImages("batches-a", 3), storeAnalysisImages("batches-b", 3)]);
});
afterAll(async () => {
  await server?.close();
});

it("a request serving two sets of one team is booked to both, tokens split by photo", async () => {
  const a = await seedQueuedSet("batches-a", 3);
  const b = await seedQueuedSet("batches-b", 3, { teamId: a.teamId, userId: a.userId });
  const config = resolveConfig({
    flags: { provider: "llama", baseUrl: server.url, apiKey: "k", batchSize: 8, parallelWorkers: 4, maxConcurrentRequests: 4, batchDelayS: 0 },
    env: { NODE_ENV: "test" },
  });
  const inner = createProvider(config);
  const batches: string[][] = [];
  const provider: VisionProvider = {
    ...inner,
    estimateTokens: (batch, max) => inner.estimateTokens(batch, max),
    analyze: (batch, opts) => {
      batches.push(batch.map((p) => p.id));
      return inner.analyze(batch, opts);
    },
  };
  const engine = new AnalysisEngine({ scope: { teamId: a.teamId }, config, provider, mode: "drain", shared: null });
  const report = await engine.run();
  expect(report.analyzed).toBe(6);
  expect(batches).toHaveLength(1); // both sets in one request
  const runs = await db().analysisRun.findMany({ where: { setId: { in: [a.setId, b.setId] } } });
  expect(runs).toHaveLength(2);
  for (const r of runs) {
    expect(r.requests).toBe(1);
    expect(r.analyzed).toBe(3);
    expect(r.tokensUsed).toBeGreaterThan(0);
  }
  const charged = server.stats().tokens;
  expect(runs.reduce((s, r) => s + r.tokensUsed, 0)).toBeCloseTo(charged, -1);
  expect(report.tokensUsed).toBe(runs.reduce((s, r) => s + r.tokensUsed, 0));
});
