// The background analysis loop. The app server (lib/server/background.ts)
// runs one as a child process (lib/cli/worker.ts, the same entry as `npm run
// worker`), or in its own process on the embedded PGlite database, which one
// process owns; `npm run worker` runs more as separate processes. All of them
// claim from the same queue; with REDIS_URL they share one budget.
import { resolveConfig, type ResolvedConfig } from "@/lib/config";
import { ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AnalysisEngine } from "./engine";
import type { Scope } from "./queue";

export interface WorkerOptions {
  config?: ResolvedConfig;
  /** Only this team's or set's photos (a dedicated worker); default: everything queued. */
  scope?: Scope;
  leaseMs?: number;
  idlePollMs?: number;
  debug?: (msg: string) => void;
  /** See EngineOptions.onRunsFinished. */
  onRunsFinished?: (setIds: string[]) => void;
  /** See EngineOptions.onResultsWritten. */
  onResultsWritten?: (setIds: string[]) => void;
}

/** Starts the loop; resolves its stop function (which waits until in-flight work is saved or released). */
export function startAnalysisWorker(opts: WorkerOptions = {}): () => Promise<void> {
  const env = getEnv();
  let engine: AnalysisEngine | undefined;
  let stopped = false;
  const done = (async () => {
    await ensureMigrated();
    // Restart after an unexpected error (database away for a moment), never spin.
    while (!stopped) {
      try {
        const config = opts.config ?? resolveConfig({ file: env.ORGANIZER_CONFIG });
        engine = new AnalysisEngine({
          scope: opts.scope ?? {},
          config,
          mode: "forever",
          leaseMs: opts.leaseMs ?? env.ANALYSIS_LEASE_MS,
          idlePollMs: opts.idlePollMs,
          debug: opts.debug,
          onRunsFinished: opts.onRunsFinished,
          onResultsWritten: opts.onResultsWritten,
        });
        if (stopped) break;
        await engine.run();
      } catch (err) {
        console.error("[analysis] worker loop failed; restarting in 5 s", err);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  })();
  return async () => {
    stopped = true;
    engine?.stop();
    await done;
  };
}
