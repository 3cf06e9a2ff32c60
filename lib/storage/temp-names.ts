// Names of temp files (uploads streaming in, derived files before their rename)
// say which process writes them: <host>~<pid>~<token>~<random>. A process
// killed mid-write (SIGKILL, OOM, power loss) leaves its temp files behind, and
// several processes share one storage folder (the app, `npm run worker`, a CLI
// run), so a sweep may remove only files whose writer is provably gone: same
// host and that pid no longer runs, or the pid is ours but the token is not (a
// restarted container often gets the same pid back). A file it cannot judge
// (another host, an unknown name) goes once it has been untouched for a day.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

export const UNJUDGED_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, "_") || "host";
// On globalThis: Next.js may load this module once per bundle in one process,
// and every copy must write (and recognise) the same token.
const g = globalThis as unknown as { __instaTempToken?: string };
const TOKEN = (g.__instaTempToken ??= randomBytes(4).toString("hex"));

export function tempFileName(): string {
  return `${HOST}~${process.pid}~${TOKEN}~${randomBytes(8).toString("hex")}`;
}

/** True when the named temp file's writer is certainly dead, or the file was untouched for a day. */
export function isAbandoned(name: string, mtimeMs: number, now = Date.now()): boolean {
  const parts = name.split("~");
  const [host, pidText, token] = parts;
  const pid = Number(pidText);
  if (parts.length === 4 && host === HOST && Number.isInteger(pid) && pid > 0) {
    if (pid === process.pid) return token !== TOKEN;
    if (!isRunning(pid)) return true;
  }
  return now - mtimeMs > UNJUDGED_MAX_AGE_MS;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as { code?: string }).code === "EPERM";
  }
}
