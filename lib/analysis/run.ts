// runAnalysis: analyse what is queued in a set (or a team, or everything) and
// return when it is drained. Used by the CLI, the bench and tests; the web
// server uses startAnalysisWorker (worker.ts), the same engine in "forever" mode.
import type { ResolvedConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { VisionProvider } from "@/lib/llama";
import { AnalysisEngine, type ProgressSnapshot } from "./engine";
import type { SharedBudget } from "./shared-budget";
import type { RunReport } from "./stats";

export interface RunAnalysisOptions {
  setId?: string;
  teamId?: string;
  config: ResolvedConfig;
  signal?: AbortSignal;
  onProgress?: (p: ProgressSnapshot) => void;
  provider?: VisionProvider;
  debug?: (msg: string) => void;
  leaseMs?: number;
  shared?: SharedBudget | null;
}

export async function runAnalysis(opts: RunAnalysisOptions): Promise<RunReport> {
  if (opts.setId) {
    await db().photoSet.updateMany({ where: { id: opts.setId, status: "IDLE" }, data: { status: "RUNNING" } });
  }
  const engine = new AnalysisEngine({
    scope: { setId: opts.setId, teamId: opts.teamId },
    config: opts.config,
    signal: opts.signal,
    provider: opts.provider,
    mode: "drain",
    onProgress: opts.onProgress,
    debug: opts.debug,
    leaseMs: opts.leaseMs ?? getEnv().ANALYSIS_LEASE_MS,
    shared: opts.shared,
  });
  try {
    return await engine.run();
  } finally {
    if (opts.setId) {
      await db().photoSet.updateMany({ where: { id: opts.setId, status: "RUNNING" }, data: { status: "IDLE" } });
    }
  }
}
