// Starts worker processes for fault tests as ONE process each: `node --import
// tsx`, not the tsx CLI, which runs the script in a second node process - a
// SIGKILL to the tsx pid would leave the real worker running. Also the
// settings and database checks those tests share.
import { spawn, type ChildProcess } from "node:child_process";
import { db } from "@/lib/db";
import { until } from "./faults-wait";

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
