// Starts worker processes for fault tests as ONE process each: `node --import
// tsx`, not the tsx CLI, which runs the script in a second node process - a
// SIGKILL to the tsx pid would leave the real worker running.
import { spawn, type ChildProcess } from "node:child_process";

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
