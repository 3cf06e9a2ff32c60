// The CLI on the embedded database while another process holds it (issue 14,
// item 19): it is refused at once, naming the holder and what to do, instead
// of running against a database another Postgres has open. A lock left by a
// process that died is taken over.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { sceneJpeg } from "@/test/helpers/images";
import { until } from "@/test/helpers/faults-wait";

const run = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), "embedded-lock-"));
const dataDir = path.join(root, "data");
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test" as const, DATA_DIR: dataDir, FACES_ENABLED: "0" };
let holder: ChildProcess | undefined;
afterAll(() => {
  holder?.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

async function organize(source: string): Promise<{ code: number; out: string; ms: number }> {
  const started = Date.now();
  try {
    const r = await run(process.execPath, ["--import", "tsx", "lib/cli/organize.ts", "--source", source], { env, timeout: 180_000 });
    return { code: 0, out: r.stdout + r.stderr, ms: Date.now() - started };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: (e.stdout ?? "") + (e.stderr ?? ""), ms: Date.now() - started };
  }
}

describe("the embedded database has one owner", () => {
  it("refuses the CLI while another process holds the database, and takes over a dead one's lock", async () => {
    const source = path.join(root, "photos");
    mkdirSync(source);
    writeFileSync(path.join(source, "a.jpg"), await sceneJpeg(41, 320, 240));
    // A process holding the database, as the app server does (opened, migrated, running).
    const holding = spawn(
      process.execPath,
      ["--import", "tsx", "test/helpers/hold-embedded-db.ts"],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    holder = holding;
    let said = "";
    holding.stdout?.on("data", (d: Buffer) => (said += d.toString()));
    await until(async () => said.includes("holding") || holding.exitCode !== null, 120_000, "the holder to open the database");
    expect(said).toContain("holding");
    const lock = path.join(dataDir, "pglite.lock");
    expect(JSON.parse(readFileSync(lock, "utf8"))).toMatchObject({ pid: holding.pid });

    const refused = await organize(source);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(new RegExp(`The embedded database in .*pglite is in use by .*\\(process ${holding.pid}, since`));
    expect(refused.out).toMatch(/stop that one first, or set DATABASE_URL/);
    expect(refused.out).not.toMatch(/Read 1 file/); // refused before touching anything

    // The holder dies without cleaning up (SIGKILL): its lock is stale and the CLI runs.
    holding.kill("SIGKILL");
    await until(async () => holding.exitCode !== null || holding.signalCode !== null, 10_000, "the holder to die");
    const ok = await organize(source);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/1 photo: /);
    expect(existsSync(lock)).toBe(false); // released on exit
  }, 400_000);
});
