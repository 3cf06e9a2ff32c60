// Starts worker processes for fault tests as ONE process each: `node --import
// tsx`, not the tsx CLI, which runs the script in a second node process - a
// SIGKILL to the tsx pid would leave the real worker running. Every worker a
// test file starts here is tracked, so one afterAll(stopWorkers) ends what is
// left. Also the settings and database checks those tests share.
import { spawn, type ChildProcess } from "node:child_process";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { until } from "./faults-wait";

const running = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** The test database and storage, which a worker process uses unless `env` says otherwise. */
function testEnv(): Record<string, string | undefined> {
  const env = getEnv();
  return { DATABASE_URL: env.DATABASE_URL, DATA_DIR: env.dataDir };
}

/** The analysis worker (`npm run worker --set-id`) on the test database; `env` adds settings or overrides. */
export function startWorker(setId: string, env: Record<string, string | undefined> = {}): ChildProcess {
  return track(spawnWorker(["--set-id", setId], { ...testEnv(), ...env }));
}

/** One pass of the image pipeline over the set's waiting photos, on the test database. */
export function startImageWorker(setId: string, env: Record<string, string | undefined> = {}): ChildProcess {
  return track(spawnImageWorker(setId, { ...testEnv(), ...env }));
}

/** Resolves once the process has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Sends `signal` (SIGTERM: the worker hands its photos back first) and waits until the process has exited. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited(child);
}

/** SIGKILLs every worker this test file started that still runs, and waits for them: for afterAll. */
export async function stopWorkers(): Promise<void> {
  await Promise.all([...running].map((c) => stopProcess(c, "SIGKILL")));
}

/** Resolves when the analysis worker printed its start line (it is claiming from then on). */
export function workerReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("analysing with")) resolve();
    });
    child.once("exit", () => reject(new Error("worker exited before it started")));
  });
}

function spawnScript(script: string, args: string[], env: Record<string, string | undefined>, label: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[${label} ${child.pid}] ${d.toString()}`));
  return child;
}

/** `lib/cli/worker.ts`, what `npm run worker` runs (the analysis worker). */
export function spawnWorker(args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawnScript("lib/cli/worker.ts", args, env, "worker");
}

/** One pass of the image pipeline over a set's waiting photos (faults-image-worker-main.ts); exits 0 when none is left. */
export function spawnImageWorker(setId: string, env: Record<string, string | undefined>): ChildProcess {
  return spawnScript("test/helpers/faults-image-worker-main.ts", [setId], env, "image worker");
}

/**
 * Analysis settings for fault tests against the local Llama-protocol server:
 * one photo per request, `inFlight` requests at once, no pause between batches.
 */
export function oneByOneLlamaEnv(baseUrl: string, inFlight: number): Record<string, string> {
  return {
    AI_PROVIDER: "llama",
    LLAMA_API_KEY: "k",
    LLAMA_API_BASE_URL: baseUrl,
    BATCH_SIZE: "1",
    LLAMA_OPTIMAL_BATCH_SIZE: "1",
    PARALLEL_WORKERS: String(inFlight),
    LLAMA_MAX_CONCURRENT: String(inFlight),
    BATCH_DELAY: "0",
  };
}

/** The test database's URL with an application_name, so a test can tell when that process's connections are gone. */
export function taggedDatabaseUrl(databaseUrl: string, app: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("application_name", app);
  return url.toString();
}

/**
 * Waits until Postgres has ended every connection tagged `app`: a statement a
 * killed process sent just before dying still commits until then, so what it
 * saved is only known afterwards.
 */
export async function connectionsGone(app: string, timeoutMs = 30_000): Promise<void> {
  await until(
    async () => (await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${app}`)[0]!.n === 0,
    timeoutMs,
    `the connections of ${app} to end`,
  );
}
