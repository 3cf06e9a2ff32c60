// Starts the built app (`npm start`'s server) as a child process with the given
// environment and waits until it answers.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface AppProcess {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** nodeArgs go before Next's entry point: flags NODE_OPTIONS refuses, such as --cpu-prof. */
export async function startApp(env: Record<string, string | undefined>, port: number, timeoutMs = 90_000, nodeArgs: string[] = []): Promise<AppProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    // The production server `npm start` runs (lib/server/serve.ts), without its migrate step.
    [...nodeArgs, "--import", "tsx", path.join(root, "lib/server/serve.ts"), "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: root,
      // The face stage's detector costs a 1-2.5 s model load and ~0.3 s of CPU a
      // photo: off unless a test asks for it (FACES_ENABLED: "1").
      env: { NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: baseUrl, FACES_ENABLED: "0", ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log: string[] = [];
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${log.join("")}`);
    try {
      const res = await fetch(`${baseUrl}/signin`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop("SIGKILL");
      throw new Error(`app did not answer within ${timeoutMs} ms:\n${log.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, child, output: () => log.join(""), stop };
}
