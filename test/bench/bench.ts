// npm run bench [-- --regime a,b,c,imperfect --profiles optimized,conservative,high-throughput --scale 1]
// Drives the REAL analysis loop (runAnalysis, in-process, against a fresh
// Postgres database) against the local Llama-protocol test server behaving
// like a hosted model: images billed by Llama 4's tiling from their real
// sizes, latency = time to first token + prompt / prefill + answer / decode
// with ~400-600-token answers per photo, the unused answer allowance refunded.
// Three regimes, each told to the engine only as a user would (--max-rpm /
// --max-tpm), with the ceiling computed from the server's own numbers:
//   (a) Meta's preview limits: 10 requests/min + 250k tokens/min, 200 photos
//   (b) Meta's advertised limits: 3,000 requests/min + 1M tokens/min, 1,000 photos
//   (c) no request limit, the provider serves 16 requests at once, 1,000 photos
// plus an "imperfect" run: answers valid under the schema sent but imperfect
// (crops past the edge, hashtags with spaces and emoji, extra fields...).
// Nothing is asserted; the table is the result.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    regime: { type: "string", default: "a,b,c,imperfect" },
    profiles: { type: "string", default: "optimized,conservative,high-throughput" },
    // Photo counts x scale (0.2 for a quick look; the README's figures are at 1).
    scale: { type: "string", default: "1" },
  },
});
const SCALE = Number(values.scale);

process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "insta-bench-"));
process.env.LLAMA_DEBUG ??= "0";

import type { ConfigFlags } from "@/lib/config";
import type { LlamaServerOptions } from "@/test/llama-server/server";

interface Regime {
  key: string;
  name: string;
  photos: number;
  server: LlamaServerOptions;
  /** What a user tells the engine: the limits they know. */
  told: ConfigFlags;
}

const MAX_BATCH = 8;
const REGIMES: Regime[] = [
  {
    key: "a",
    name: "(a) 10 req/min + 250k tok/min",
    photos: 200,
    server: { rpm: 10, tpm: 250_000 },
    told: { maxRequestsPerMinute: 10, maxTokensPerMinute: 250_000 },
  },
  {
    key: "b",
    name: "(b) 3,000 req/min + 1M tok/min",
    photos: 1000,
    server: { rpm: 3000, tpm: 1_000_000 },
    told: { maxRequestsPerMinute: 3000, maxTokensPerMinute: 1_000_000 },
  },
  {
    key: "c",
    name: "(c) capacity 16 at once",
    photos: 1000,
    server: { rpm: 1_000_000, tpm: 1_000_000_000, capacity: 16 },
    told: {},
  },
  {
    key: "imperfect",
    name: "(b) + imperfect answers (30%)",
    photos: 300,
    server: { rpm: 3000, tpm: 1_000_000, imperfect: 0.3 },
    told: { maxRequestsPerMinute: 3000, maxTokensPerMinute: 1_000_000 },
  },
];

async function main(): Promise<void> {
  const { createDatabase, dropDatabase } = await import("@/test/helpers/pg");
  const dbInfo = await createDatabase("bench");
  process.env.DATABASE_URL = dbInfo.url;
  const { ensureMigrated, closeDb, db } = await import("@/lib/db");
  const { resolveConfig } = await import("@/lib/config");
  const { runAnalysis } = await import("@/lib/analysis");
  const { buildPrompt, llama4ImageTokens } = await import("@/lib/llama");
  const { createLlamaServer } = await import("@/test/llama-server/server");
  const { capacityRequestsPerS, meanLatencyMs } = await import("@/test/llama-server/latency");
  const { seedQueuedSet, storeAnalysisImages, REALISTIC_SIZES } = await import("../fixtures/seed");

  await ensureMigrated();
  const wanted = new Set(values.regime.split(","));
  const profiles = values.profiles.split(",");
  const regimes = REGIMES.filter((r) => wanted.has(r.key));
  const most = Math.max(...regimes.map((r) => Math.round(r.photos * SCALE)));
  console.log(`generating ${most} analysis JPEGs at the sizes the pipeline sends (${REALISTIC_SIZES.map((s) => `${s.width}x${s.height}`).join(", ")})...`);
  await storeAnalysisImages("bench-real", most, { realistic: true });
  const imageTokens = REALISTIC_SIZES.reduce((a, s) => a + llama4ImageTokens(s.width, s.height), 0) / REALISTIC_SIZES.length;
  // The prompt text of a full batch, shared by its photos (the server counts characters / 4).
  const textTokensPerPhoto = Math.ceil(buildPrompt(MAX_BATCH).length / 4) / MAX_BATCH;

  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    for (const regime of regimes) {
      const photos = Math.round(regime.photos * SCALE);
      for (const profile of regime.key === "imperfect" ? ["optimized"] : profiles) {
        const server = await createLlamaServer({ ...regime.server, latencyModel: "tokens", seed: 7, apiKey: "bench-key" });
        try {
          const seeded = await seedQueuedSet("bench-real", photos, { name: `${regime.key} ${profile}` });
          const config = resolveConfig({
            profile,
            flags: { ...regime.told, provider: "llama", baseUrl: server.url, apiKey: "bench-key" },
            env: { NODE_ENV: "production" },
          });
          const report = await runAnalysis({ setId: seeded.setId, config, shared: null });
          const lost = await db().photo.count({ where: { setId: seeded.setId, state: { not: "ANALYZED" } } });
          const s = server.stats();
          // The ceiling, from the server's numbers: what the answers really were per photo, at the largest batch.
          const answerTokens = s.completionTokens / Math.max(1, s.images);
          const perPhotoTokens = imageTokens + textTokensPerPhoto + answerTokens;
          const promptOfBatch = MAX_BATCH * (imageTokens + textTokensPerPhoto);
          const byRequests = (server.params.rpm / 60) * MAX_BATCH;
          const byTokens = server.params.tpm / 60 / perPhotoTokens;
          const byCapacity = capacityRequestsPerS(server.params.latency, promptOfBatch, MAX_BATCH * answerTokens) * MAX_BATCH;
          const ceiling = Math.min(byRequests, byTokens, byCapacity);
          const binds = ceiling === byRequests ? "requests" : ceiling === byTokens ? "tokens" : "capacity";
          // A run of N photos also waits for its last answer: one full batch's latency after the last request.
          const tailS = meanLatencyMs(server.params.latency, promptOfBatch, MAX_BATCH * answerTokens) / 1000;
          const runCeiling = photos / (photos / ceiling + tailS);
          const rate = report.analyzed / report.elapsedS;
          rows.push([
            regime.name,
            profile,
            String(photos),
            rate.toFixed(2),
            `${runCeiling.toFixed(2)} (${binds})`,
            `${((rate / runCeiling) * 100).toFixed(1)}%`,
            `${s.rejected429} (${((s.rejected429 / Math.max(1, s.received)) * 100).toFixed(1)}%)`,
            String(report.tokensPerPhoto ?? "-"),
            String(report.photosPerRequest ?? "-"),
            String(lost),
            String(report.retries),
            String(report.repaired),
            report.limit.binding ? `${report.limit.binding}${report.limit.used === null ? "" : ` ${Math.round(report.limit.used * 100)}%`}` : "-",
            report.elapsedS.toFixed(0),
          ]);
          notes.push(
            `${regime.key}/${profile}: ceiling ${ceiling.toFixed(2)} photos/s in steady state (requests ${byRequests.toFixed(2)}, tokens ${byTokens.toFixed(2)}, capacity ${Number.isFinite(byCapacity) ? byCapacity.toFixed(2) : "unlimited"}); ` +
              `${answerTokens.toFixed(0)} answer tokens a photo, last batch's latency ${tailS.toFixed(1)} s; server: ${s.accepted} requests, max ${s.maxInFlight} at once, overLimit ${s.overLimit}, off-schema ${s.offSchema}, imperfect entries ${s.imperfect.entries}, cut at max_completion_tokens ${s.truncatedAtMax}; ` +
              `engine: p50 ${report.latencyP50Ms} ms, p95 ${report.latencyP95Ms} ms, ${report.timeouts} timeouts, failed ${report.failed}`,
          );
          console.log(`done: ${regime.name}, ${profile}: ${rate.toFixed(2)} photos/s of ${runCeiling.toFixed(2)} (${report.elapsedS.toFixed(0)} s)`);
        } finally {
          await server.close();
        }
      }
    }
  } finally {
    await closeDb();
    await dropDatabase(dbInfo.name);
  }
  const head = ["regime", "profile", "photos", "photos/s", "ceiling (binds)", "of ceiling", "429s", "tokens/photo", "photos/request", "lost", "retries", "repaired", "engine says", "elapsed s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join(" | ");
  console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\nceiling = photos/s the binding limit allows at ${MAX_BATCH} photos a request (the largest batch the engine sends), ` +
      `over a run of this many photos: N / (N / steady ceiling + one full batch's latency for the last answer).`,
  );
  for (const n of notes) console.log(n);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
