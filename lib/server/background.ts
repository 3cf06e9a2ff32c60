// What the app server runs besides answering requests: migrations first, the
// removal of temp files left by a killed process (an upload cut off mid-stream),
// then the workers that drain the photo queues (unless RUN_WORKERS=0, e.g. when
// separate `npm run worker` processes do it).
//
// The image worker runs in this process (its work is in libvips' threads). The
// analysis worker runs as a child process (`lib/cli/worker.ts`, the same code
// as `npm run worker`): in this process its request bodies, answer parsing,
// batched writes and GC pauses shared the event loop with every request, and
// the progress poll's p99 was 52.5 ms during a run instead of 26.3 ms
// (bench:progress BENCH_RUN=engine, docs/decisions/009). Except on the
// embedded PGlite database: it belongs to one process, so there the analysis
// worker stays in this one. The face stage (faces.enabled) runs here too, one
// photo at a time and only while the image queue is empty; its detector is a
// niced child process of its own (lib/faces/client.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { startAnalysisWorker } from "@/lib/analysis";
import { resolveConfig } from "@/lib/config";
import { ensureMigrated, usingEmbeddedDb } from "@/lib/db";
import { requestRefresh } from "@/lib/organize";
import { getEnv } from "@/lib/env";
import { createChildScanner, startFaceStage } from "@/lib/faces";
import { startImageWorker } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";

const RESTART_AFTER_MS = 5000;
const WORKER_NICENESS = 10;
const stops: (() => Promise<void>)[] = [];

export async function startServerBackground(): Promise<void> {
  await ensureMigrated();
  const swept = await storage().sweepAbandonedTemp();
  if (swept > 0) console.log(`[storage] removed ${swept} temp file(s) left by a process that died mid-write`);
  if (!getEnv().RUN_WORKERS) return;
  // Keepers and albums follow results as they are written (coalesced), and a
  // closed run's once more; nothing refreshes them when someone looks
  // (docs/decisions/005).
  const refresh = (setIds: string[]) => setIds.forEach(requestRefresh);
  stops.push(
    startImageWorker(),
    usingEmbeddedDb() ? startAnalysisWorker({ onRunsFinished: refresh, onResultsWritten: refresh }) : startAnalysisWorkerProcess(),
  );
  // Face counts, culling problems and People albums follow each scan.
  if (facesEnabled()) stops.push(startFaceStage(createChildScanner(), refresh));
}

function facesEnabled(): boolean {
  try {
    return resolveConfig({ file: getEnv().ORGANIZER_CONFIG }).facesEnabled;
  } catch (err) {
    // The analysis worker reports a bad configuration; faces keep their default meanwhile.
    console.error("[faces] configuration not readable; the face stage runs with its default (on)", err);
    return true;
  }
}

/**
 * On SIGTERM (lib/server/serve.ts): the workers stop taking photos, abort what is
 * in flight and release its leases at once, so a restarted server (a deploy)
 * takes those photos straight away instead of after ANALYSIS_LEASE_MS.
 */
export async function stopServerBackground(): Promise<void> {
  await Promise.all(stops.splice(0).map((stop) => stop()));
}

/**
 * `lib/cli/worker.ts` as a child with an IPC channel: restarted if it dies;
 * it stops by itself (handing back its photos) when this process goes away.
 */
function startAnalysisWorkerProcess(): () => Promise<void> {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  const launch = () => {
    const entry = path.join(process.cwd(), "lib/cli/worker.ts");
    child = spawn(process.execPath, ["--import", "tsx", entry], { stdio: ["ignore", "inherit", "inherit", "ipc"], env: process.env });
    // Background work yields the CPU to requests: the worker mostly waits on the
    // provider, so a lower priority costs it little and keeps the poll fast when
    // the machine is busy.
    if (child.pid) {
      try {
        os.setPriority(child.pid, WORKER_NICENESS);
      } catch {
        // not allowed here: run at the same priority
      }
    }
    child.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`[analysis] the worker process ended (${signal ?? `exit ${code}`}); starting another in ${RESTART_AFTER_MS / 1000} s`);
      restart = setTimeout(launch, RESTART_AFTER_MS);
    });
  };
  launch();
  return async () => {
    stopping = true;
    clearTimeout(restart);
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, "exit");
    c.kill("SIGTERM");
    await exited;
  };
}
