// What the app server runs besides answering requests: migrations first, the
// removal of temp files left by a killed process (an upload cut off mid-stream),
// then the workers that drain the photo queues (unless RUN_WORKERS=0, e.g. when
// separate `npm run worker` processes do it).
import { startAnalysisWorker } from "@/lib/analysis";
import { ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { startImageWorker } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";

export async function startServerBackground(): Promise<void> {
  await ensureMigrated();
  const swept = await storage().sweepAbandonedTemp();
  if (swept > 0) console.log(`[storage] removed ${swept} temp file(s) left by a process that died mid-write`);
  if (!getEnv().RUN_WORKERS) return;
  startImageWorker();
  startAnalysisWorker();
}
