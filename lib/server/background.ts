// What the app server runs besides answering requests: migrations first, the
// removal of temp files left by a killed process (an upload cut off mid-stream),
// then the workers that drain the photo queues (unless RUN_WORKERS=0, e.g. when
// separate `npm run worker` processes do it).
import { startAnalysisWorker } from "@/lib/analysis";
import { ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { startImageWorker } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";

const stops: (() => Promise<void>)[] = [];

export async function startServerBackground(): Promise<void> {
  await ensureMigrated();
  const swept = await storage().sweepAbandonedTemp();
  if (swept > 0) console.log(`[storage] removed ${swept} temp file(s) left by a process that died mid-write`);
  if (!getEnv().RUN_WORKERS) return;
  stops.push(startImageWorker(), startAnalysisWorker());
}

/**
 * On SIGTERM (lib/cli/serve.ts): the workers stop taking photos, abort what is
 * in flight and release its leases at once, so a restarted server (a deploy)
 * takes those photos straight away instead of after ANALYSIS_LEASE_MS.
 */
export async function stopServerBackground(): Promise<void> {
  await Promise.all(stops.splice(0).map((stop) => stop()));
}
