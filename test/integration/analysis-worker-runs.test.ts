// The app server's background worker ("forever" mode) serves many sets at
// once: a set whose photos are all answered must read FINISHED with its final
// figures while another set is still being analysed, and a later upload to
// the finished set starts a new run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalysisEngine } from "@/lib/analysis/engine";
import { resolveConfig, type ResolvedConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { createProvider, type VisionProvider } from "@/lib/llama";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { contentHashFor, seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";
import { until } from "@/test/helpers/faults-wait";

let server: LlamaServer;
let config: ResolvedConfig;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 20, seed: 5, apiKey: "k" });
  config = resolveConfig({
    flags: { provider: "llama", baseUrl: server.url, apiKey: "k", batchSize: 1, parallelWorkers: 8, maxConcurrentRequests: 8, batchDelayS: 0 },
    env: { NODE_ENV: "test" },
  });
  await Promise.all([storeAnalysisImages("runs-a", 4), storeAnalysisImages("runs-b", 3), storeAnalysisImages("runs-c", 2)]);
});
afterAll(async () => {
  await server?.close();
});

/** The real provider, except that photos whose content is in `held` wait until release(). */
function holdingProvider(inner: VisionProvider, held: Set<string>) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const provider: VisionProvider = {
    name: inner.name,
    model: inner.model,
    promptVersion: inner.promptVersion,
    usesNetwork: inner.usesNetwork,
    estimateTokens: (b) => inner.estimateTokens(b),
    async analyze(batch, opts) {
      if (batch.some((p) => held.has(p.contentHash))) await gate;
      return inner.analyze(batch, opts);
    },
  };
  return { provider, release };
}

const runsOf = (setId: string) => db().analysisRun.findMany({ where: { setId }, orderBy: { startedAt: "asc" } });

describe("background worker runs", () => {
  it("closes a finished set's run while another set is still analysing; a new upload opens a new run", async () => {
    const a = await seedQueuedSet("runs-a", 4);
    const b = await seedQueuedSet("runs-b", 3, { teamId: a.teamId, userId: a.userId });
    const held = new Set(Array.from({ length: 3 }, (_, i) => contentHashFor("runs-b", i)));
    const { provider, release } = holdingProvider(createProvider(config), held);
    // Closed runs are reported (the server refreshes those sets' albums: share links never refresh them).
    const closed: string[] = [];
    const engine = new AnalysisEngine({
      scope: { teamId: a.teamId }, config, provider, mode: "forever", leaseMs: 60_000, idlePollMs: 100,
      onRunsFinished: (ids) => closed.push(...ids),
    });
    const running = engine.run();
    try {
      // Set A is answered while set B's photos are held in flight by this engine.
      await until(async () => (await runsOf(a.setId))[0]?.status === "FINISHED", 30_000, "set A's run to finish");
      const [runA] = await runsOf(a.setId);
      expect(runA!.analyzed).toBe(4);
      expect(runA!.finishedAt).not.toBeNull();
      expect((await runsOf(b.setId))[0]?.status).toBe("RUNNING");
      expect(await db().photo.count({ where: { setId: b.setId, state: "ANALYZING" } })).toBe(3);
      expect(closed).toEqual([a.setId]);

      // More photos arrive in set A: a new run, not the closed one reopened.
      await db().photo.createMany({
        data: [0, 1].map((i) => ({
          setId: a.setId, teamId: a.teamId, contentHash: contentHashFor("runs-c", i), originalName: `late-${i}.jpg`,
          mimeType: "image/jpeg", sizeBytes: 1000, state: "QUEUED" as const, width: 64, height: 64, sharpness: 500, brightness: 0.5,
        })),
      });
      await until(async () => (await runsOf(a.setId)).length === 2 && (await runsOf(a.setId))[1]!.status === "FINISHED", 30_000, "set A's second run");
      const runs = await runsOf(a.setId);
      expect(runs.map((r) => r.analyzed)).toEqual([4, 2]);
      expect(closed).toEqual([a.setId, a.setId]);

      release();
      await until(async () => (await runsOf(b.setId))[0]?.status === "FINISHED", 30_000, "set B's run to finish");
      expect((await runsOf(b.setId))[0]!.analyzed).toBe(3);
      await until(async () => closed.length === 3, 30_000, "set B's close to be reported");
      expect(closed).toEqual([a.setId, a.setId, b.setId]);
      expect(await db().photo.count({ where: { setId: { in: [a.setId, b.setId] }, state: { not: "ANALYZED" } } })).toBe(0);
    } finally {
      release();
      engine.stop();
      await running;
    }
  });
});
