// npm run bench:body-limit [-- --mb 200]
// The probe of issue 13, finding 1, against the built app (`npm start`'s
// server, needs `npm run build`): a chunked body of 200 MB (no Content-Length)
// POSTed without a session to /api/signup and to next-auth's sign-in, one at
// a time and three at once. Prints, for each, the answer, how much of the body
// was sent before it came, and the server's RSS: baseline (warmed up), peak
// and growth. Before the fix the server read it all: RSS 851 -> 1,430 MB, three
// at once 2,126 MB. Asserts nothing (test/e2e/hardening-body-limit.test.ts does).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startApp } from "@/test/helpers/app-process";
import { postChunked, type ChunkedPostResult } from "@/test/helpers/chunked-post";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";

const { values } = parseArgs({ options: { mb: { type: "string", default: "200" } } });
const bodyBytes = Number(values.mb) * 1024 * 1024;
const root = path.resolve(import.meta.dirname, "..");
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("Needs a production build: run `npm run build` first.");
  const { name: dbName, url } = await createDatabase("benchbody");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "insta-bench-body-"));
  // Workers off: only the server's own memory is measured.
  const app = await startApp(
    { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, DATA_DIR: dataDir, RUN_WORKERS: "0", NEXTAUTH_SECRET: "bench-secret-0123456789abcdef" },
    3900 + (process.pid % 90),
  );
  const pid = app.child.pid!;
  try {
    // Warm up both routes (JIT, first database connections, next-auth).
    for (let i = 0; i < 5; i++) {
      await postChunked(`${app.baseUrl}/api/signup`, 100 * 1024);
      await postChunked(`${app.baseUrl}/api/auth/callback/credentials`, 10 * 1024, { "content-type": "application/x-www-form-urlencoded" });
    }
    const cases: [string, string, Record<string, string>, number][] = [
      ["POST /api/signup, 1 at a time", "/api/signup", {}, 1],
      ["POST /api/signup, 3 at once", "/api/signup", {}, 3],
      ["POST /api/auth/callback/credentials (form), 1 at a time", "/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" }, 1],
    ];
    console.log(`chunked bodies of ${mb(bodyBytes)} MB, no session, against ${app.baseUrl}`);
    for (const [label, route, headers, parallel] of cases) {
      await new Promise((r) => setTimeout(r, 1000));
      const baseline = rss(pid);
      let peak = baseline;
      const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 10);
      const start = process.hrtime.bigint();
      const results: ChunkedPostResult[] = await Promise.all(Array.from({ length: parallel }, () => postChunked(`${app.baseUrl}${route}`, bodyBytes, headers)));
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      await new Promise((r) => setTimeout(r, 500)); // anything the server still takes in after answering
      clearInterval(timer);
      peak = Math.max(peak, rss(pid));
      const answers = results.map((r) => `${r.status ?? r.error} after ${mb(r.bytesWritten)} MB${r.sentAll ? " (all of it)" : ""}`).join("; ");
      console.log(`${label}: ${answers}; ${seconds.toFixed(2)} s`);
      console.log(`  server RSS baseline ${mb(baseline)} MB, peak ${mb(peak)} MB: growth ${mb(peak - baseline)} MB`);
    }
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase(dbName);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
