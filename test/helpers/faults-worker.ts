// Starts `lib/cli/worker.ts` (what `npm run worker` runs) as ONE process:
// `node --import tsx`, not the tsx CLI, which runs the script in a second node
// process - a SIGKILL to the tsx pid would leave the real worker running.
import { spawn, type ChildProcess } from "node:child_process";

export function spawnWorker(args: string[], env: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/worker.ts", ...args], {
    env: { PATH: process.env.PATH, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[worker ${child.pid}] ${d.toString()}`));
  return child;
}
