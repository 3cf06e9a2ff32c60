// Browser tests run against the built app (`next start`), on a fresh Postgres
// database, with the local Llama-protocol server standing in for the API.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabase, dropDatabase } from "./pg";

const root = path.resolve(import.meta.dirname, "../..");

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app did not answer at ${url} within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("Browser tests need a production build: run `npm run build` first (npm run test:all does).");
  }
  const { name, url } = await createDatabase("e2e");
  const dataDir = mkdtempSync(path.join(tmpdir(), "insta-e2e-"));
  const llama = await (await import("../llama-server/server")).createLlamaServer({
    rpm: 6000,
    tpm: 50_000_000,
    latencyMedianMs: 150,
    apiKey: "e2e-test-key",
    seed: 7,
  });
  const port = 3100 + (process.pid % 500);
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef",
      LLAMA_API_KEY: "e2e-test-key",
      LLAMA_API_BASE_URL: llama.url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  app.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  app.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  try {
    await waitForHttp(`${baseUrl}/signin`, app, 90_000);
  } catch (err) {
    app.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n--- app output ---\n${log.join("")}`);
  }
  project.provide("baseUrl", baseUrl);
  project.provide("databaseUrl", url);
  project.provide("llamaUrl", llama.url);
  return async () => {
    app.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    if (app.exitCode === null) app.kill("SIGKILL");
    await llama.close();
    if (process.env.E2E_APP_LOG) console.log(log.join(""));
    if (!process.env.KEEP_TEST_DB) await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    llamaUrl: string;
  }
}
