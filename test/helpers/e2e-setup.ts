// Browser tests run against the built app (`npm start`'s server, lib/server/serve.ts), on a fresh Postgres
// database, with the local Llama-protocol server standing in for the API.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startApp } from "./app-process";
import { createDatabase, dropDatabase } from "./pg";

const root = path.resolve(import.meta.dirname, "../..");

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
  let app;
  try {
    app = await startApp(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: url,
        DATA_DIR: dataDir,
        NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef",
        // The browser tests play clients at different addresses through
        // X-Forwarded-For, as a proxy in front would set it.
        TRUST_PROXY: "1",
        // Requests without that header are keyed by the socket's address (Next fills it in), so
        // every sign-up of the suite is 127.0.0.1's. The default limit (5) is tested in
        // test/integration/account-abuse.test.ts.
        SIGNUP_LIMIT_PER_ADDRESS: "1000",
        LLAMA_API_KEY: "e2e-test-key",
        LLAMA_API_BASE_URL: llama.url,
      },
      3100 + (process.pid % 500),
    );
  } catch (err) {
    await llama.close();
    throw err;
  }
  const baseUrl = app.baseUrl;
  project.provide("baseUrl", baseUrl);
  project.provide("databaseUrl", url);
  project.provide("llamaUrl", llama.url);
  return async () => {
    await app.stop();
    await llama.close();
    if (process.env.E2E_APP_LOG) console.log(app.output());
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
