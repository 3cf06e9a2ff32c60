// Opening the embedded database (PGlite) within a memory budget.
//
// Creating a PGlite database runs initdb inside the process: PGlite 0.5 starts
// a second Postgres instance (a 128 MB WebAssembly memory) plus a 128 MB copy of
// it to reset between initdb's steps, next to the instance being opened. That
// peaks at ~740 MB, more than everything else a 10,000-photo CLI run needs, and
// happens on every fresh machine. So a new database is instead unpacked from a
// template: the data directory of that same initdb, made once by
// `npm run db:pglite-template` and committed (prisma/pglite-template-<version>.tar.gz).
// Unpacking peaks at ~300 MB. The template is used only with the PGlite version
// that made it (the data files belong to that Postgres build); with any other
// version the database is created by initdb as before.
import { existsSync, readFileSync } from "node:fs";
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
function template(): Blob | undefined {
  const version = pgliteVersion();
  const file = version ? templatePath(version) : undefined;
  if (!file || !existsSync(file)) return undefined;
  return new Blob([readFileSync(file)]);
}

/** PGlite on `dir`; a new database comes from the template when it matches this PGlite. */
export function openPglite(dir: string): PGlite {
  const options: PGliteOptions = { initDbStartParams: INITDB_PARAMS, startParams: START_PARAMS };
  if (!existsSync(path.join(dir, "PG_VERSION"))) options.loadDataDir = template();
  return new PGlite(dir, options);
}
