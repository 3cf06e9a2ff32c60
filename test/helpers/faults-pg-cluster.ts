// A private, throwaway PostgreSQL 15 cluster for fault tests that must restart
// the database server (the shared one on :5432 belongs to everyone). initdb and
// postgres refuse to run as root, so both run as the `postgres` user when we are root.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
export const PG_BIN = "/usr/lib/postgresql/15/bin";
export const havePgBinaries = existsSync(path.join(PG_BIN, "initdb")) && existsSync(path.join(PG_BIN, "pg_ctl"));

export interface PgCluster {
  /** URL of the `faults` database in the cluster. */
  url: string;
  port: number;
  /** pg_ctl restart -m fast: every connection is cut, the server is back when this resolves. */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "faults-pg-"));
  const asRoot = process.getuid?.() === 0;
  const { stdout: ids } = asRoot ? await run("id", ["-u", "postgres"]) : { stdout: "" };
  const { stdout: gids } = asRoot ? await run("id", ["-g", "postgres"]) : { stdout: "" };
  if (asRoot) await chown(dir, Number(ids.trim()), Number(gids.trim()));
  const as = (bin: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(PG_BIN, bin), ...args]) : run(path.join(PG_BIN, bin), args);
  const data = path.join(dir, "data");
  const port = await freePort();
  await as("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const ctl = (cmd: string, extra: string[] = []) => as("pg_ctl", [cmd, "-D", data, "-w", "-t", "60", "-l", path.join(dir, "log"), ...extra]);
  await ctl("start", ["-o", opts]);
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query("CREATE DATABASE faults");
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/faults`,
    port,
    restart: async () => {
      await ctl("restart", ["-m", "fast", "-o", opts]);
    },
    destroy: async () => {
      await ctl("stop", ["-m", "immediate"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
