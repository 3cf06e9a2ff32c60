// npm run bench [-- --images 1000 --baseline-images 40 --only best]
// Drives the REAL analysis loop (runAnalysis, in-process, against a fresh
// Postgres database) against the local Llama-protocol test server at 3000
// requests/minute with a 1.5 s median latency, and prints one table measured
// side by side in one run: the guide's "Original" baseline, its three profiles
// and this project's best setting. Nothing is asserted; the ratios are the result.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    images: { type: "string", default: "1000" },
    "baseline-images": { type: "string", default: "40" },
    only: { type: "string" },
    rpm: { type: "string", default: "3000" },
    "latency-ms": { type: "string", default: "1500" },
  },
});
const IMAGES = Number(values.images);
const BASELINE_IMAGES = Number(values["baseline-images"]);
const RPM = Number(values.rpm);

process.env.DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "insta-bench-"));
process.env.LLAMA_DEBUG = "0";

import type { ConfigFlags } from "@/lib/config";

interface Scenario {
  name: string;
  images: number;
  profile?: string;
  flags: ConfigFlags;
}

// The guide's "Original": one worker, sequential, one photo per request, the
// guide's delays. Profiles: the guide's numbers as lib/config defines them.
const SCENARIOS: Scenario[] = [
  {
    name: "original (baseline)",
    images: BASELINE_IMAGES,
    flags: { parallelWorkers: 1, maxConcurrentRequests: 1, batchSize: 1, optimalBatchSize: 1, adaptiveRateLimiting: false, burstMode: false },
  },
  { name: "conservative", images: IMAGES, profile: "conservative", flags: {} },
  { name: "optimized", images: IMAGES, profile: "optimized", flags: {} },
  { name: "high-throughput", images: IMAGES, profile: "high-throughput", flags: {} },
  {
    // One photo per request, enough slots for rate x latency (Little's law) plus
    // the burst, no worker pause: the rate budget alone paces.
    name: "best (1 img/request)",
    images: IMAGES,
    flags: { parallelWorkers: 256, maxConcurrentRequests: 256, batchSize: 1, optimalBatchSize: 1, batchDelayS: 0, adaptiveRateLimiting: true, burstMode: true },
  },
];

async function main(): Promise<void> {
  const { createDatabase, dropDatabase } = await import("@/test/helpers/pg");
  const dbInfo = await createDatabase("bench");
  process.env.DATABASE_URL = dbInfo.url;
  const { ensureMigrated, closeDb, db } = await import("@/lib/db");
  const { resolveConfig } = await import("@/lib/config");
  const { runAnalysis } = await import("@/lib/analysis");
  const { createLlamaServer } = await import("@/test/llama-server/server");
  const { seedQueuedSet, storeAnalysisImages } = await import("./seed");

  await ensureMigrated();
  const server = await createLlamaServer({ rpm: RPM, latencyMedianMs: Number(values["latency-ms"]), seed: 7, apiKey: "bench-key" });
  const ceiling = RPM / 60;
  console.log(`local Llama test server: ${RPM} requests/min (${ceiling}/s), ${values["latency-ms"]} ms median latency; generating ${IMAGES} small JPEGs...`);
  await storeAnalysisImages("bench", IMAGES);

  const rows: string[][] = [];
  try {
    for (const sc of SCENARIOS) {
      if (values.only && !sc.name.startsWith(values.only)) continue;
      // Each scenario starts with a full provider bucket, like a fresh minute.
      await new Promise((r) => setTimeout(r, 2500));
      server.resetStats();
      const seeded = await seedQueuedSet("bench", sc.images, { name: sc.name });
      const config = resolveConfig({
        profile: sc.profile,
        flags: { ...sc.flags, provider: "llama", baseUrl: server.url, apiKey: "bench-key" },
        env: { NODE_ENV: "production" },
      });
      const t0 = Date.now();
      let lastSaved = 0;
      const report = await runAnalysis({ setId: seeded.setId, config, shared: null, onProgress: () => (lastSaved = Date.now() - t0) });
      if (process.env.BENCH_TRACE) console.log(`last result saved at ${lastSaved / 1000} s`);
      const lost = await db().photo.count({ where: { setId: seeded.setId, state: { not: "ANALYZED" } } });
      const s = server.stats();
      rows.push([
        sc.name + (sc.images !== IMAGES ? ` [${sc.images} imgs]` : ""),
        `${config.parallelWorkers}/${config.maxConcurrentRequests}/${config.batchSize}`,
        report.imagesPerS.toFixed(1),
        report.requestsPerS.toFixed(1),
        `${((report.requestsPerS / ceiling) * 100).toFixed(1)}%`,
        String(s.rejected429),
        String(report.retries),
        String(lost),
        String(s.overLimit),
        String(s.maxConcurrent),
        report.elapsedS.toFixed(1),
      ]);
      console.log(`done: ${sc.name} in ${report.elapsedS.toFixed(1)} s (first request at ${report.firstRequestS} s, last at ${report.lastRequestS} s, p50 ${report.latencyP50Ms} ms, p95 ${report.latencyP95Ms} ms)`);
    }
  } finally {
    await server.close();
    await closeDb();
    await dropDatabase(dbInfo.name);
  }
  const head = ["setting", "workers/max_conc/batch", "images/s", "requests/s", "of ceiling", "429s", "retries", "lost", "overLimit", "max in flight", "elapsed s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] as number)).join(" | ");
  console.log(`\n${line(head)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}`);
  for (const r of rows) console.log(line(r));
  console.log(`\nceiling = ${ceiling} requests/s; "of ceiling" = requests/s / ceiling. Baseline measured on ${BASELINE_IMAGES} images (rates compare).`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
