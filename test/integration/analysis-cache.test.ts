// The analysis loop against the local Llama-protocol server and the run's
// Postgres: results and denormalised columns land, the cache answers a re-run
// with zero requests, a new prompt version misses it, identical content in
// flight is sent once, and fast mode skips (and "analyse anyway" un-skips).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig, type ResolvedConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { createProvider, type VisionProvider } from "@/lib/llama";
import { getSetProgress, runAnalysis } from "@/lib/analysis";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";
import { reanalysePhoto, requeueSkipped } from "@/lib/runs";

let server: LlamaServer;
let config: ResolvedConfig;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 20, seed: 3, apiKey: "k" });
  config = resolveConfig({
    flags: { provider: "llama", baseUrl: server.url, apiKey: "k", batchSize: 3, parallelWorkers: 16, maxConcurrentRequests: 16, batchDelayS: 0 },
    env: { NODE_ENV: "test" },
  });
  await storeAnalysisImages("cache", 30);
});
afterAll(async () => {
  await server?.close();
});

/** Same provider, different prompt version (what a prompt change does to the cache key). */
function withPromptVersion(p: VisionProvider, promptVersion: string): VisionProvider {
  return {
    name: p.name,
    model: p.model,
    promptVersion,
    usesNetwork: p.usesNetwork,
    analyze: (b, o) => p.analyze(b, o),
    estimateTokens: (b) => p.estimateTokens(b),
  };
}

describe("analysis cache", () => {
  it("analyses a set, fills the denormalised columns, and a re-run of the same content costs zero requests", async () => {
    const a = await seedQueuedSet("cache", 30);
    const before = server.stats().accepted;
    const first = await runAnalysis({ setId: a.setId, config, shared: null });
    expect(first.analyzed).toBe(30);
    expect(first.failed).toBe(0);
    expect(first.requests).toBe(server.stats().accepted - before);
    const photos = await db().photo.findMany({ where: { setId: a.setId } });
    expect(photos.every((p) => p.state === "ANALYZED" && p.analysisId && p.category && p.qualityScore !== null && p.instagramScore !== null)).toBe(true);
    expect(photos.every((p) => p.leaseOwner === null)).toBe(true);

    const progress = await getSetProgress(a.setId);
    expect(progress.counts.ANALYZED).toBe(30);
    expect(progress.run?.analyzed).toBe(30);
    expect(progress.run?.status).toBe("FINISHED");

    // Another set of the same team with the same files: answered from the cache.
    const b = await seedQueuedSet("cache", 30, { teamId: a.teamId, userId: a.userId });
    const mid = server.stats().accepted;
    const second = await runAnalysis({ setId: b.setId, config, shared: null });
    expect(second.requests).toBe(0);
    expect(second.cached).toBe(30);
    expect(server.stats().accepted).toBe(mid);
    expect(await db().photo.count({ where: { setId: b.setId, state: "ANALYZED" } })).toBe(30);

    // A changed prompt version is a different key: analysed again.
    const c = await seedQueuedSet("cache", 5, { teamId: a.teamId, userId: a.userId });
    const third = await runAnalysis({ setId: c.setId, config, shared: null, provider: withPromptVersion(createProvider(config), "changed-prompt") });
    expect(third.cached).toBe(0);
    expect(third.analyzed).toBe(5);
    expect(third.requests).toBeGreaterThan(0);
  });

  it("another team does not see the cache, and identical content in flight is sent once", async () => {
    const a = await seedQueuedSet("cache", 12);
    const b = await seedQueuedSet("cache", 12, { teamId: a.teamId, userId: a.userId });
    const before = server.stats().images;
    const rep = await runAnalysis({ teamId: a.teamId, config: { ...config, batchSize: 1 }, shared: null });
    expect(rep.analyzed + rep.cached).toBe(24);
    expect(server.stats().images - before).toBe(12); // each content once
    expect(await db().photo.count({ where: { setId: { in: [a.setId, b.setId] }, state: "ANALYZED" } })).toBe(24);
  });

  it("fast mode skips blurred, dark and non-keeper photos before they cost a request; forceAnalyze lets them through", async () => {
    const s = await seedQueuedSet("cache", 4);
    const [blur, dark, dup, keeper] = s.photoIds as [string, string, string, string];
    await db().photo.update({ where: { id: blur }, data: { sharpness: 0 } });
    await db().photo.update({ where: { id: dark }, data: { brightness: 0.01 } });
    const g = await db().duplicateGroup.create({ data: { setId: s.setId, keeperPhotoId: keeper } });
    await db().photo.updateMany({ where: { id: { in: [dup, keeper] } }, data: { duplicateGroupId: g.id } });

    const fast = { ...config, enableFastMode: true };
    const rep = await runAnalysis({ setId: s.setId, config: fast, shared: null });
    expect(rep.skipped).toBe(3);
    expect(rep.analyzed).toBe(1);
    const rows = await db().photo.findMany({ where: { setId: s.setId }, orderBy: { originalName: "asc" } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(blur)?.skipReason).toMatch(/blurred/);
    expect(byId.get(dark)?.skipReason).toMatch(/dark/);
    expect(byId.get(dup)?.skipReason).toMatch(/Near-duplicate/);
    expect(byId.get(keeper)?.state).toBe("ANALYZED");

    expect(await requeueSkipped(s.setId)).toBe(3);
    const again = await runAnalysis({ setId: s.setId, config: fast, shared: null });
    expect(again.analyzed).toBe(3);
    expect(await db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } })).toBe(4);
  });

  it("re-analysing one photo asks the model again once, and the photo then goes back to using the cache", async () => {
    const s = await seedQueuedSet("cache", 4);
    await runAnalysis({ setId: s.setId, config, shared: null });
    const photo = await db().photo.findFirstOrThrow({ where: { setId: s.setId } });
    await reanalysePhoto(s.teamId, photo.id);
    const before = server.stats().images;
    const rerun = await runAnalysis({ setId: s.setId, config, shared: null });
    expect(rerun.analyzed).toBe(1);
    expect(rerun.cached).toBe(0);
    expect(server.stats().images - before).toBe(1);
    const after = await db().photo.findUniqueOrThrow({ where: { id: photo.id } });
    expect(after.state).toBe("ANALYZED");
    expect(after.analysisId).toBe(photo.analysisId);
    expect(after.forceAnalyze).toBe(false);

    // Queued again without "re-analyse" (e.g. retried): answered from the cache.
    await db().photo.update({ where: { id: photo.id }, data: { state: "QUEUED" } });
    const cached = await runAnalysis({ setId: s.setId, config, shared: null });
    expect(cached.cached).toBe(1);
    expect(server.stats().images - before).toBe(1);
  });
});
