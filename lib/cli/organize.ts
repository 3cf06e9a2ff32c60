// npm run organize -- --source DIR [--output DIR] [--parallel-workers N] [--batch-size N]
//   [--ai-provider llama|openai-compatible|local] [--profile NAME] [--config FILE] [--limit N]
//   [--dev-mode] [--debug-performance] [--report FILE] [--analyze-skipped] [--other-config-flag=VALUE]
// The command-line organizer on the same lib/ as the web app: ingest a folder
// into a "CLI" team (one set per source folder), run the analysis loop with a
// progress bar, export albums, best picks and duplicate groups, and write a
// JSON report. Report format: docs/cli.md. The face stage (faces.enabled, on by
// default) scans the set in its own niced process while the analysis runs, and
// the export waits for it, so people counts, "people" albums, face-aware crops
// and face problems are the app's.
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { CONFIG_FLAGS, ConfigError, flagsFromArgs, resolveConfig } from "@/lib/config";
import { count } from "@/lib/count";
import { closeDb, ensureMigrated } from "@/lib/db";
import { runAnalysis, type RunReport } from "@/lib/analysis";
import { requeueForRerun, requeueSkipped } from "@/lib/runs";
import { createChildScanner, scanPendingFaces, setFaceSummary, type SetFaceSummary } from "@/lib/faces";
import { exportSetToDirectory, type DirectoryExport } from "@/lib/export";
import { ingestFolder } from "./ingest-folder";
import { cliReport } from "./report";

const USAGE = `Usage: npm run organize -- --source DIR [--output DIR] [--parallel-workers N] [--batch-size N]
  [--ai-provider llama|openai-compatible|local] [--profile conservative|optimized|high-throughput]
  [--config FILE] [--limit N] [--dev-mode] [--debug-performance] [--report FILE] [--analyze-skipped]
Any other configuration flag (docs/configuration.md) as --flag=value, e.g. --max-rpm=600.`;

const CLI_OPTIONS = {
  source: { type: "string" },
  output: { type: "string" },
  "parallel-workers": { type: "string" },
  "batch-size": { type: "string" },
  "ai-provider": { type: "string" },
  profile: { type: "string" },
  config: { type: "string" },
  limit: { type: "string" },
  "dev-mode": { type: "boolean" },
  "debug-performance": { type: "boolean" },
  report: { type: "string" },
  "analyze-skipped": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** --dev-mode: the guide's "test settings on a few photos first". */
const DEV_MODE_LIMIT = 20;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    // Not strict: any configuration flag (docs/configuration.md) may follow as --flag=value;
    // unknown names are refused below rather than silently ignored.
    strict: false,
    allowPositionals: true,
    options: CLI_OPTIONS,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = Object.keys(values).filter((name) => !(name in CLI_OPTIONS) && !CONFIG_FLAGS.includes(`--${name}`));
  if (unknown.length > 0 || positionals.length > 0) {
    const what = [...unknown.map((n) => `--${n}`), ...positionals.map((p) => JSON.stringify(p))].join(", ");
    const hint = positionals.length > 0 ? " Configuration flags take their value after '=', e.g. --max-rpm=600." : "";
    console.error(`Not an option of this command: ${what}.${hint}\n${USAGE}`);
    return 2;
  }
  if (typeof values.source !== "string") {
    console.error(`--source DIR is required.\n${USAGE}`);
    return 2;
  }
  const limit = typeof values.limit === "string" ? Number(values.limit) : values["dev-mode"] ? DEV_MODE_LIMIT : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    console.error("--limit: must be a positive integer.");
    return 2;
  }
  let config;
  try {
    config = resolveConfig({
      file: typeof values.config === "string" ? values.config : undefined,
      profile: typeof values.profile === "string" ? values.profile : undefined,
      flags: flagsFromArgs(values as Record<string, string | boolean | undefined>),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (config.providerNote) console.log(config.providerNote);
  const debugPerf = values["debug-performance"] === true || values["dev-mode"] === true;

  const started = Date.now();
  // --debug-performance: where time and memory go, phase by phase.
  const phase = (name: string) => {
    if (!debugPerf) return;
    const m = process.memoryUsage();
    console.log(`[${((Date.now() - started) / 1000).toFixed(2)}s] ${name}: rss ${(m.rss / 2 ** 20).toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, external ${(m.external / 2 ** 20).toFixed(0)} MB`);
  };
  await ensureMigrated();
  phase("database ready");
  const source = path.resolve(values.source);
  if (!(await isFolder(source))) {
    console.error(`--source: ${source} is not a folder that can be read.`);
    return 2;
  }
  const ingest = await ingestFolder(source, { limit, log: (m) => console.log(m), phase });
  // Photos from an earlier run of this folder go through the loop again: the
  // cache answers them (zero requests) unless the provider, model or prompt changed.
  const again = await requeueForRerun(ingest.setId);
  if (again > 0) console.log(`${count(again, "photo")} from an earlier run ${again === 1 ? "is" : "are"} checked against the cache.`);
  if (values["analyze-skipped"]) {
    const n = await requeueSkipped(ingest.setId);
    if (n > 0) console.log(`${count(n, "previously skipped photo")} will be analysed anyway (--analyze-skipped).`);
  }

  console.log(
    `Analysing with ${config.provider} (${config.model}), profile ${config.profile}: ` +
      `${config.parallelWorkers} workers, batch ${config.batchSize}, max ${config.maxConcurrentRequests} in flight, ${config.maxRequestsPerMinute} requests/min.`,
  );
  const bar = new cliProgress.SingleBar(
    { format: "{bar} {value}/{total} photos | {rps} req/s | {inFlight} in flight | cached {cached} skipped {skipped} failed {failed}", hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const interactive = process.stdout.isTTY && !debugPerf;
  if (interactive) bar.start(1, 0, { rps: "0.0", inFlight: 0, cached: 0, skipped: 0, failed: 0 });
  const ac = new AbortController();
  const onSignal = () => ac.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  // Faces beside the analysis: the detector is its own niced process, and
  // whichever of scan and analysis lands second applies "people" and "group".
  const faces = config.facesEnabled ? scanFaces(ingest.setId, ac.signal) : null;
  let report: RunReport;
  try {
    report = await runAnalysis({
      setId: ingest.setId,
      config,
      signal: ac.signal,
      debug: debugPerf ? (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(2)}s] ${m}`) : undefined,
      onProgress: (p) => {
        if (!interactive) return;
        bar.setTotal(Math.max(1, p.total));
        bar.update(p.done, { rps: p.requestsPerS.toFixed(1), inFlight: p.inFlight, cached: p.cached, skipped: p.skipped, failed: p.failed });
      },
    });
  } finally {
    if (interactive) bar.stop();
    process.off("SIGINT", onSignal);
  }

  phase("analysis done");
  let faceSummary: SetFaceSummary | null = null;
  if (faces) {
    faceSummary = await faces.done();
    phase("faces done");
  }
  let exported: DirectoryExport | undefined;
  if (typeof values.output === "string" && !report.cancelled) {
    exported = await exportSetToDirectory(ingest.setId, path.resolve(values.output));
  }
  phase("export done");
  const json = cliReport({ ingest, report, elapsedS: (Date.now() - started) / 1000, exported, config, faces: faceSummary });
  const requests =
    json.provider === "local"
      ? "Measured locally: no requests sent"
      : `${count(json.requests, "request")}, ${json.rate_limited} rate-limited, ${json.retries} retries, ${json.timeouts} timeouts` +
        `${json.request_success_rate === null ? "" : ` (request success ${pct(json.request_success_rate)})`}, ${json.requests_per_s} requests/s` +
        `${json.binding_limit ? `; bound by ${limitName(json.binding_limit)}${json.limit_used === null ? "" : `: ${pct(json.limit_used)} used`}` : ""}` +
        `${json.tokens_per_photo === null ? "" : `; ${json.tokens_per_photo} tokens a photo, ${json.photos_per_request ?? "?"} photos a request`}` +
        `${json.answers_repaired > 0 ? `; ${count(json.answers_repaired, "answer")} repaired` : ""}`;
  console.log(
    `\n${count(json.images, "photo")}: ${json.analyzed} analysed, ${json.cached} from cache, ${json.skipped} skipped, ${json.failed} failed` +
      `${json.success_rate === null ? "" : `, success rate ${pct(json.success_rate)}`}` +
      ` (${count(ingest.rejected.length, "file")} refused). ${requests}; ${json.images_per_s} photos/s over the ${json.analysis_elapsed_s} s of analysis;` +
      ` ${json.elapsed_s} s in all.`,
  );
  if (faceSummary) console.log(facesLine(faceSummary));
  if (exported) {
    const kept = exported.files - exported.written;
    console.log(
      `Wrote ${count(exported.written, "file")}${kept > 0 ? ` (${kept} unchanged since the last export)` : ""}` +
        `${exported.removed > 0 ? `, removed ${count(exported.removed, "file")} no longer in it` : ""}: ` +
        `${count(exported.albums, "album")} and ${count(exported.duplicateGroups, "duplicate group")} in ${path.resolve(values.output as string)}.`,
    );
  }
  for (const a of json.advice) console.log(`Advice: ${a}`);
  if (report.lastError && json.failed > 0) console.log(`Last error: ${report.lastError}`);
  if (typeof values.report === "string") {
    await writeFile(values.report, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`Report written to ${values.report}.`);
  }
  return report.cancelled ? 130 : json.failed > 0 ? 1 : 0;
}

/**
 * Scans the set's pending photos for faces until none is left (photos scanned
 * in an earlier run, or in another set of the CLI team, are linked, not
 * scanned again). `done` waits for the rest, showing how many are left.
 */
function scanFaces(setId: string, signal: AbortSignal): { done: () => Promise<SetFaceSummary> } {
  const scanner = createChildScanner({ idleMs: 5_000 });
  const scanning = scanPendingFaces(scanner, { setId, signal }).finally(() => scanner.close());
  // Interrupted (Ctrl+C), the photo being scanned ends the loop with an error:
  // the summary still says what was found.
  scanning.catch(() => undefined);
  return {
    async done() {
      const settled = await Promise.race([scanning.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), 200))]);
      if (!settled) {
        const s = await setFaceSummary(setId);
        console.log(`Finding faces: ${s.photos - s.scanned} of ${count(s.photos, "photo")} left...`);
      }
      try {
        await scanning;
      } catch (err) {
        if (!signal.aborted) throw err;
      }
      return setFaceSummary(setId);
    },
  };
}

function facesLine(s: SetFaceSummary): string {
  const problems = [s.eyesClosed > 0 ? `eyes closed on ${s.eyesClosed}` : "", s.unsharpFace > 0 ? `a soft face on ${s.unsharpFace}` : ""].filter(Boolean);
  return (
    `Faces: ${s.withPeople} of ${count(s.photos, "photo")} show people (${count(s.people, "face")}` +
    `${s.groups > 0 ? `; ${count(s.groups, "group")} of 3 or more` : ""}${problems.length > 0 ? `; ${problems.join(", ")}` : ""})` +
    `${s.failed > 0 ? `, ${s.failed} could not be scanned` : ""}${s.scanned < s.photos ? `, ${s.photos - s.scanned} not scanned` : ""}.`
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const LIMIT_NAMES: Record<string, string> = { requests: "requests/min", tokens: "tokens/min", capacity: "the provider's capacity", concurrency: "max_concurrent_requests" };
const limitName = (b: string) => LIMIT_NAMES[b] ?? b;

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

main(process.argv.slice(2))
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await closeDb().catch(() => undefined);
    process.exit(1);
  });
