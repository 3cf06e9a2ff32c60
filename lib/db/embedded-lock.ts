// The embedded database (PGlite) belongs to one process: a second process
// opening the same folder (the CLI while the app server runs) would run
// against files another Postgres holds. PGlite has no lock of its own in
// Node, so the folder gets one: `<dir>.lock`, created exclusively, holding
// the owner's pid and what it is. A lock whose process is gone is stale and
// taken over; a live one refuses at once with who holds it.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

interface LockInfo {
  pid: number;
  what: string;
  since: string;
}

export class EmbeddedDbBusyError extends Error {
  constructor(dir: string, holder: LockInfo) {
    super(
      `The embedded database in ${dir} is in use by ${holder.what} (process ${holder.pid}, since ${holder.since}). ` +
        "It belongs to one process at a time: stop that one first, or set DATABASE_URL to a PostgreSQL server to run both.",
    );
    this.name = "EmbeddedDbBusyError";
  }
}

/** What this process is, in words for the other one's refusal. */
function describeSelf(): string {
  const entry = path.basename(process.argv[1] ?? "");
  if (entry.startsWith("serve")) return "the app server";
  if (entry.startsWith("organize")) return "npm run organize";
  if (entry.startsWith("worker")) return "npm run worker";
  if (entry.startsWith("migrate")) return "npm run db:migrate";
  return `another process (${entry || "node"})`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else - still alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the folder's lock for this process (released when it exits), or throws EmbeddedDbBusyError. */
export function lockEmbeddedDb(dir: string): () => void {
  const file = `${dir}.lock`;
  const mine: LockInfo = { pid: process.pid, what: describeSelf(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: "wx", mode: 0o600 });
      const release = () => {
        try {
          if ((JSON.parse(readFileSync(file, "utf8")) as LockInfo).pid === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let holder: LockInfo | null = null;
    try {
      holder = JSON.parse(readFileSync(file, "utf8")) as LockInfo;
    } catch {
      holder = null; // unreadable: a writer died mid-write
    }
    if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new EmbeddedDbBusyError(dir, holder);
    // Stale (its process is gone) or our own from before: take it over.
    try {
      unlinkSync(file);
    } catch {
      // someone else removed it first
    }
  }
  throw new Error(`Could not lock the embedded database in ${dir}; remove ${file} if no other process uses it.`);
}
