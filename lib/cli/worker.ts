// npm run worker [-- --team-id ID | --set-id ID]: one more analysis process beside the web server. It claims
// queued photos from the same database (leases + SKIP LOCKED), and with
// REDIS_URL set shares the rate budget with every other process. Configuration
// comes from the environment and ORGANIZER_CONFIG (docs/configuration.md).
// --team-id / --set-id: a dedicated worker that only takes that team's / set's photos.
// SIGINT/SIGTERM: stop claiming, save or release what is in hand, exit.
// The app server runs this same file as its analysis worker (RUN_WORKERS).
import { parseArgs } from "node:util";
import { resolveConfig } from "@/lib/config";
import { closeDb, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { startAnalysisWorker } from "@/lib/analysis";
import { requestRefresh } from "@/lib/organize";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "team-id": { type: "string" }, "set-id": { type: "string" } } });
  await ensureMigrated();
  const env = getEnv();
  const config = resolveConfig({ file: env.ORGANIZER_CONFIG });
  if (config.providerNote) console.log(config.providerNote);
  console.log(
    `[worker ${process.pid}] analysing with ${config.provider} (${config.model}); ` +
      `${config.maxRequestsPerMinute} requests/min${env.REDIS_URL ? ", budget shared through Redis" : " (no REDIS_URL: this process's own budget)"}.`,
  );
  const stop = startAnalysisWorker({
    config,
    idlePollMs: 500,
    scope: { teamId: values["team-id"], setId: values["set-id"] },
    // Keepers and albums follow results as they are written and when a run
    // closes, never when someone looks (docs/decisions/005).
    onRunsFinished: (setIds) => setIds.forEach(requestRefresh),
    onResultsWritten: (setIds) => setIds.forEach(requestRefresh),
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker ${process.pid}] stopping...`);
    void stop()
      .then(() => closeDb())
      .then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // Started by the app server (lib/server/background.ts) with an IPC channel:
  // when the server goes away, even killed, this worker hands back and ends too.
  if (process.send) process.once("disconnect", shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
