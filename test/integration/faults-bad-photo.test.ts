// The other side of the outage rule (faults-provider-outage): a provider that
// answers everything except one photo, whose answer is unusable every time.
// That is the photo's problem, not an outage: it must end FAILED after exactly
// its own retries (max_retries + 1 attempts) with a readable reason, the run
// must finish instead of probing it for minutes, and every other photo ends analysed.
import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "@/lib/config";
import { db, ensureMigrated } from "@/lib/db";
import { runAnalysis } from "@/lib/analysis";
import { createProvider, ProviderError, type VisionProvider } from "@/lib/llama";
import { seedQueuedSet, storeAnalysisImages } from "@/test/fixtures/seed";

const N = 30;
const MAX_RETRIES = 2;

beforeAll(async () => {
  await ensureMigrated();
  await storeAnalysisImages("badphoto", N);
});

it("one photo the provider can never answer fails after its own retries; the run ends and the rest are analysed", async () => {
  const s = await seedQueuedSet("badphoto", N);
  const bad = s.photoIds[N - 1] as string; // last in line: at the end it is retried alone
  const config = resolveConfig({
    flags: { provider: "local", batchSize: 1, optimalBatchSize: 1, parallelWorkers: 4, maxConcurrentRequests: 4, maxRetries: MAX_RETRIES },
    env: { NODE_ENV: "test" },
  });
  const local = createProvider(config);
  let badAttempts = 0;
  const provider: VisionProvider = {
    name: local.name,
    model: local.model,
    promptVersion: local.promptVersion,
    usesNetwork: local.usesNetwork,
    estimateTokens: (b) => local.estimateTokens(b),
    analyze: (batch, o) => {
      if (batch.some((p) => p.id === bad)) {
        badAttempts++;
        return Promise.reject(new ProviderError("invalid_answer", "The model's answer was not valid JSON."));
      }
      return local.analyze(batch, o);
    },
  };
  const rep = await runAnalysis({ setId: s.setId, config, provider, shared: null });
  expect(rep.analyzed).toBe(N - 1);
  expect(rep.failed).toBe(1);
  expect(badAttempts).toBe(MAX_RETRIES + 1);
  const p = await db().photo.findUniqueOrThrow({ where: { id: bad } });
  expect(p.state).toBe("FAILED");
  expect(p.stateReason).toMatch(/not valid JSON/);
  expect(await db().photo.count({ where: { setId: s.setId, state: "ANALYZED" } })).toBe(N - 1);
}, 30_000);
