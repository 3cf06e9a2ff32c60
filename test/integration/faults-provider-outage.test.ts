// Fault: the provider goes away mid-run (connection refused for a few seconds,
// then it comes back answering 5xx for a while, then garbage, then healthy). An outage is not
// the photos' fault: no photo may end FAILED because the provider was down for
// longer than its retry budget, the run must say it is backing off while it
// lasts, and once the provider is back the same run finishes by itself with
// every photo analysed exactly once. What was sent is recorded by a proxy
// outside the engine; the "down" phase is the real server closed and a new one
// started on the same port.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { getSetProgress, runAnalysis } from "@/lib/analysis";
import { createLlamaServer, type LlamaServer } from "@/test/llama-server/server";
import { contentHashFor, seedQueuedSet, smallJpeg, storeAnalysisImages } from "@/test/fixtures/seed";
import { createRecordingProxy, dataUrlHash, type RecordingProxy } from "@/test/helpers/recording-proxy";
import { until } from "@/test/helpers/faults-wait";

const N = 100;
const CONCURRENCY = 4;
const SERVER = { rpm: 60_000, latencyMedianMs: 150, latencySpread: 0.2, apiKey: "k" };
let server: LlamaServer | undefined;
let proxy: RecordingProxy;

beforeAll(async () => {
  await ensureMigrated();
  server = await createLlamaServer({ ...SERVER, seed: 61 });
  proxy = await createRecordingProxy(server.url);
  await storeAnalysisImages("outage", N);
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

it("a provider outage longer than the retry budget loses nothing: the run backs off, then finishes with every photo analysed once", async () => {
  const s = await seedQueuedSet("outage", N);
  const count = (state: "ANALYZED" | "FAILED") => db().photo.count({ where: { setId: s.setId, state } });
  const config = resolveConfig({
    flags: {
      provider: "llama",
      baseUrl: proxy.url,
      apiKey: "k",
      batchSize: 1,
      optimalBatchSize: 1,
      parallelWorkers: CONCURRENCY,
      maxConcurrentRequests: CONCURRENCY,
      batchDelayS: 0,
      fastTimeoutS: 2,
      // Retries alone (0.5 s + 1 s back-off) cover far less than the outage below.
      maxRetries: 2,
    },
    env: { NODE_ENV: "test" },
  });
  const run = runAnalysis({ setId: s.setId, config, shared: null, leaseMs: 10_000 });
  let settled = false;
  void run.finally(() => (settled = true)).catch(() => undefined);

  await until(async () => (await count("ANALYZED")) >= 20, 30_000);
  const port = (server as LlamaServer).port;
  const first = (server as LlamaServer).stats();
  await (server as LlamaServer).close();
  server = undefined;

  // Down: connections refused for 4 s. Nothing fails; the run says it is backing off.
  let sawBackingOff = false;
  let lastError = "";
  const downUntil = Date.now() + 4000;
  while (Date.now() < downUntil) {
    const p = await getSetProgress(s.setId);
    expect(p.counts.FAILED, "a photo failed because the provider was down").toBe(0);
    if (p.run?.backingOff) sawBackingOff = true;
    if (p.run?.lastError) lastError = p.run.lastError;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(settled, "the run gave up while the provider was down").toBe(false);
  expect(sawBackingOff).toBe(true);
  expect(lastError).toMatch(/unavailable/i);
  const doneBeforeOutage = await db().photo.findMany({ where: { setId: s.setId, state: "ANALYZED" }, select: { contentHash: true } });
  expect(doneBeforeOutage.length).toBeLessThan(N);
  const sentBeforeBack = new Map(proxy.sent);

  // Back on the same port, but answering 500 to everything, then garbage (answers
  // that are not JSON): each phase lasts until the engine's probes got at least
  // 3 such answers (counted by the server) plus a second.
  server = await createLlamaServer({ ...SERVER, seed: 62, port, faults: { serverError: 1 } });
  const live = server;
  const noFailures = async (what: string) => {
    expect(await count("FAILED"), `a photo failed while the provider ${what}`).toBe(0);
    expect(settled, `the run gave up while the provider ${what}`).toBe(false);
  };
  const phase = async (what: string, done: () => boolean) => {
    await until(async () => (await noFailures(what), done()), 30_000, `probes while the provider ${what}`);
    const end = Date.now() + 1000;
    while (Date.now() < end) {
      await noFailures(what);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await phase("answered 5xx", () => live.stats().faults.serverError >= 3);
  live.setFaults({ serverError: 0, malformed: 1 });
  await phase("answered garbage", () => live.stats().faults.malformed >= 3);
  live.setFaults({ malformed: 0 });

  // Healthy again: the same run finishes by itself.
  const rep = await run;
  expect(rep.failed).toBe(0);
  expect(rep.analyzed).toBe(N);
  expect(await count("ANALYZED")).toBe(N);
  const photos = await db().photo.findMany({ where: { setId: s.setId } });
  expect(photos.every((p) => p.state === "ANALYZED" && p.analysisId && p.leaseOwner === null)).toBe(true);
  // One analysis per photo (distinct contents): nothing analysed twice.
  expect(await db().analysisCache.count({ where: { teamId: s.teamId } })).toBe(N);
  expect(first.overLimit + server.stats().overLimit).toBe(0);

  // Every photo reached the provider; none finished before the outage went again.
  const finishedBefore = new Set(doneBeforeOutage.map((p) => p.contentHash));
  for (let i = 0; i < N; i++) {
    const h = dataUrlHash(await smallJpeg(i));
    const sent = proxy.sent.get(h) ?? 0;
    expect(sent, `photo ${i} was never sent`).toBeGreaterThanOrEqual(1);
    if (finishedBefore.has(contentHashFor("outage", i))) expect(sent, `photo ${i} was re-sent after it was analysed`).toBe(sentBeforeBack.get(h));
  }
  // The restarted provider answered each photo still open exactly once (one image per request).
  const st = server.stats();
  const secondOk = st.accepted - st.faults.serverError - st.faults.malformed;
  expect(secondOk).toBe(N - doneBeforeOutage.length);
}, 60_000);
