// Opening the embedded database (PGlite) within a memory budget.
//
// Creating a PGlite database runs initdb inside the process: PGlite 0.5 starts
// a second Postgres instance (a 128 MB WebAssembly memory) plus a 128 MB copy of
// it to reset between initdb's steps, next to the instance being opened. That
// peaks at ~740 MB, more than everything else a 10,000-photo CLI run needs, and
// happens on every fresh machine. So a new database is instead unpacked from a
// template: the data directory of that same initdb, made once by
// `npm run db:pglite-template` and committed (prisma/pglite-template-<version>.tar.gz).
// The template is used only with the PGlite version that made it (the data
// files belong to that Postgres build); with any other version the database is
// created by initdb as before.
//
// The template is unpacked by the system's tar (GNU tar, or bsdtar on macOS
// and Windows 10+) before PGlite opens the folder. PGlite's own loadDataDir
// holds the archive three times in JS memory (compressed, inflated 40 MB,
// untarred copies), ~80 MB that stayed allocated until V8's first full GC,
// well into the image intake: the highest point of a 10,000-photo CLI run.
// Without a tar command it falls back to loadDataDir.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

// Postgres runs inside one WebAssembly memory, which grows but never shrinks.
// initdb would size shared_buffers at 128 MB (the largest it probes), which
// grew the process by ~110 MB; the data files are read through the OS page
// cache anyway, so a small buffer pool costs little. Set at initdb (written to
// postgresql.conf) and at every start (for a database created before this).
const SHARED_BUFFERS = "shared_buffers=16MB";
export const INITDB_PARAMS = ["-c", SHARED_BUFFERS];
const START_PARAMS = [...PGlite.defaultStartParams, "-c", SHARED_BUFFERS];

const TEMPLATE_DIR = path.join(process.cwd(), "prisma");

/** The installed PGlite version, or null when it cannot be read. */
export function pgliteVersion(): string | null {
  try {
    const file = path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "@electric-sql", "pglite", "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export function templatePath(version: string): string {
  return path.join(/*turbopackIgnore: true*/ TEMPLATE_DIR, `pglite-template-${version}.tar.gz`);
}

/** The template for the installed PGlite, if there is one. */
function templateFile(): string | undefined {
  const version = pgliteVersion();
  const file = version ? templatePath(version) : undefined;
  return file && existsSync(file) ? file : undefined;
}

/**
 * Unpacks the template into `dir` (an empty or missing folder) with the tar
 * command; false when there is no tar. Unpacked beside and renamed into place,
 * so an interrupted unpack never leaves a half database that looks whole.
 */
function unpackWithTar(file: string, dir: string): boolean {
  const tmp = `${dir}.unpacking`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  try {
    execFileSync("tar", ["-xzf", file, "-C", tmp], { stdio: "ignore" });
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    return false;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return true;
}

/** PGlite on `dir`; a new database comes from the template when it matches this PGlite. */
export function openPglite(dir: string): PGlite {
  const options: PGliteOptions = { initDbStartParams: INITDB_PARAMS, startParams: START_PARAMS };
  const file = existsSync(path.join(dir, "PG_VERSION")) ? undefined : templateFile();
  if (file && !unpackWithTar(file, dir)) options.loadDataDir = new Blob([readFileSync(file)]);
  return new PGlite(dir, options);
}
