// The face stage's side of its detector process (child.ts): started on the first
// photo, at a lower CPU priority, and ended after a quiet spell so its model
// memory (~200 MB) is not held while nothing is uploaded. A process that dies
// fails the photo it had; the next photo starts a new one.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import type { FaceFact } from "./measure";
import type { ScanReply, ScanRequest } from "./protocol";

/** Behind the image pipeline and the server: the detector takes what CPU they leave. */
const NICENESS = 15;

export interface FaceScanner {
  /** The faces in a content's stored analysis JPEG; rejects with the reason when it cannot be scanned. */
  scan(contentHash: string): Promise<FaceFact[]>;
  close(): Promise<void>;
}

export class ScanError extends Error {}

export function createChildScanner(opts: { idleMs?: number } = {}): FaceScanner {
  const idleMs = opts.idleMs ?? 60_000;
  let child: ChildProcess | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (f: FaceFact[]) => void; reject: (e: Error) => void }>();
  let idle: NodeJS.Timeout | undefined;

  const start = (): ChildProcess => {
    const entry = path.join(process.cwd(), "lib/faces/child.ts");
    const c = spawn(process.execPath, ["--import", "tsx", entry], { stdio: ["ignore", "inherit", "inherit", "ipc"], env: process.env });
    if (c.pid) {
      try {
        os.setPriority(c.pid, NICENESS);
      } catch {
        // not allowed here: same priority as the server
      }
    }
    c.on("message", (m: ScanReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.faces);
      else p.reject(new ScanError(m.error));
    });
    c.once("exit", (code, signal) => {
      if (child === c) child = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ScanError(`the face detector process ended (${signal ?? `exit ${code}`}) while scanning this photo`));
      }
    });
    return c;
  };

  const stopChild = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, "exit");
    c.kill("SIGTERM");
    await exited;
  };

  return {
    scan(contentHash) {
      clearTimeout(idle);
      child ??= start();
      const c = child;
      const id = nextId++;
      return new Promise<FaceFact[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        c.send({ id, contentHash } satisfies ScanRequest);
      }).finally(() => {
        if (pending.size === 0) {
          clearTimeout(idle);
          idle = setTimeout(() => void stopChild(), idleMs);
          idle.unref();
        }
      });
    },
    async close() {
      clearTimeout(idle);
      await stopChild();
    },
  };
}
