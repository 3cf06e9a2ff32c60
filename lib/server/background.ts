// What the app server runs besides answering requests: migrations first, then
// the workers that drain the photo queues (unless RUN_WORKERS=0, e.g. when
// separate `npm run worker` processes do it).
import { startAnalysisWorker } from "@/lib/analysis";
import { ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { startImageWorker } from "@/lib/images/pipeline";

export async function startServerBackground(): Promise<void> {
  await ensureMigrated();
  if (!getEnv().RUN_WORKERS) return;
  startImageWorker();
  startAnalysisWorker();
}
