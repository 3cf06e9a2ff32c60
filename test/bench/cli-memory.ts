// npm run bench:cli-memory [-- --images 10000]
// Peak memory of a whole CLI run on many small generated images: the real
// `npm run organize` command (embedded PGlite database, the image pipeline,
// the analysis loop against the local Llama test server, the export) in a child
// process, whose report carries its peak RSS (process.resourceUsage().maxRSS).
// The bar: under 500 MB for 10,000 images.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createLlamaServer } from "@/test/llama-server/server";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";
import { smallJpeg } from "../fixtures/seed";

// --postgres: a fresh PostgreSQL database instead of the embedded default, to
// separate the organizer's own memory from the embedded database's.
const { values } = parseArgs({
  options: { images: { type: "string", default: "10000" }, keep: { type: "boolean" }, postgres: { type: "boolean" } },
});
const N = Number(values.images);

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "insta-cli-mem-"));
  const src = path.join(root, "photos");
  console.log(`generating ${N} small JPEGs in ${src} ...`);
  for (let i = 0; i < N; i++) {
    const dir = path.join(src, `folder-${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `img-${i}.jpg`), await smallJpeg(i, 96));
  }
  const server = await createLlamaServer({ rpm: 60_000, latencyMedianMs: 50, seed: 2, apiKey: "mem" });
  const report = path.join(root, "report.json");
  const pgDb = values.postgres ? await createDatabase("climem") : undefined;
  const t0 = Date.now();
  const code = await new Promise<number>((resolve) => {
    // Through the npm script, as people run it (it sets the allocator's environment).
    const child = spawn(
      "npm",
      ["run", "--silent", "organize", "--", "--source", src, "--output", path.join(root, "out"), "--report", report,
        "--batch-size", "8", "--parallel-workers", "64", "--max-concurrent=64", "--max-rpm=60000", "--batch-delay=0"],
      {
        env: { ...process.env, DATABASE_URL: pgDb?.url ?? "", DATA_DIR: path.join(root, "data"), AI_PROVIDER: "llama", LLAMA_API_KEY: "mem", LLAMA_API_BASE_URL: server.url, LLAMA_DEBUG: "0", FACES_ENABLED: "0" },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    child.on("exit", (c) => resolve(c ?? 1));
  });
  await server.close();
  if (pgDb) await dropDatabase(pgDb.name);
  const r = JSON.parse(readFileSync(report, "utf8")) as Record<string, unknown>;
  console.log(
    `\nCLI run on ${N} images: exit ${code}, ${((Date.now() - t0) / 1000).toFixed(0)} s wall; ` +
      `analysed ${String(r.analyzed)}, failed ${String(r.failed)}; peak RSS of the organize process: ${String(r.peak_rss_mb)} MB (bar: < 500 MB; database: ${pgDb ? "PostgreSQL" : "embedded PGlite"})`,
  );
  if (!values.keep) rmSync(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
