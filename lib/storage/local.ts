// Originals and derived files, addressed by the SHA-256 of the original. This is
// the only module that knows where bytes live; everything else names a file by
// (content hash, kind). Local disk today (STORAGE_DIR); the interface is small
// so another backend can replace it.
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, readFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { isAbandoned, tempFileName } from "./temp-names";

export type FileKind = "original" | "analysis" | "thumb" | "preview";

/** A file being written before its content hash is known (uploads stream into one). */
export interface TempFile {
  /** Where to write; only the storage-owned writer in lib/images/ingest uses it. */
  readonly path: string;
  /** Moves the finished file to its content address. Idempotent for equal content. */
  commit(hash: string, kind: FileKind): Promise<void>;
  /** Removes the file (after a refusal or failure); never throws. */
  discard(): Promise<void>;
}

export interface Storage {
  put(hash: string, kind: FileKind, data: Buffer): Promise<void>;
  get(hash: string, kind: FileKind): Promise<Buffer>;
  stream(hash: string, kind: FileKind): NodeJS.ReadableStream;
  has(hash: string, kind: FileKind): Promise<boolean>;
  delete(hash: string, kind: FileKind): Promise<void>;
  size(hash: string, kind: FileKind): Promise<number>;
  createTempFile(): Promise<TempFile>;
  /** Removes temp files whose writer died (see temp-names.ts); returns how many. Run at start-up. */
  sweepAbandonedTemp(): Promise<number>;
}

const HASH = /^[0-9a-f]{64}$/;
const SUFFIX: Record<FileKind, string> = {
  original: "orig",
  analysis: "analysis.jpg",
  thumb: "thumb.webp",
  preview: "preview.webp",
};

/** Local-disk storage: <root>/<aa>/<bb>/<hash>.<kind>. Paths come only from a validated hash. */
export class LocalStorage implements Storage {
  constructor(readonly root: string) {}

  private file(hash: string, kind: FileKind): string {
    // The hash is the only caller-supplied part of a path; anything else is refused.
    if (!HASH.test(hash)) throw new Error(`storage: not a SHA-256 hex digest: ${JSON.stringify(hash)}`);
    // turbopackIgnore: the root is configuration (STORAGE_DIR), not part of the app to trace into the build.
    return path.join(/*turbopackIgnore: true*/ this.root, hash.slice(0, 2), hash.slice(2, 4), `${hash}.${SUFFIX[kind]}`);
  }

  async put(hash: string, kind: FileKind, data: Buffer): Promise<void> {
    const tmp = await this.createTempFile();
    try {
      const fh = await open(tmp.path, "w");
      try {
        await fh.writeFile(data);
      } finally {
        await fh.close();
      }
      await tmp.commit(hash, kind);
    } catch (err) {
      await tmp.discard();
      throw err;
    }
  }

  async get(hash: string, kind: FileKind): Promise<Buffer> {
    try {
      return await readFile(this.file(hash, kind));
    } catch (err) {
      throw missing(err, kind);
    }
  }

  stream(hash: string, kind: FileKind): NodeJS.ReadableStream {
    return createReadStream(this.file(hash, kind));
  }

  async has(hash: string, kind: FileKind): Promise<boolean> {
    try {
      await stat(this.file(hash, kind));
      return true;
    } catch {
      return false;
    }
  }

  async size(hash: string, kind: FileKind): Promise<number> {
    try {
      return (await stat(this.file(hash, kind))).size;
    } catch (err) {
      throw missing(err, kind);
    }
  }

  async delete(hash: string, kind: FileKind): Promise<void> {
    await rm(this.file(hash, kind), { force: true });
  }

  private tempDir(): string {
    // Temp files live under the root so the final rename never crosses file systems.
    return path.join(/*turbopackIgnore: true*/ this.root, "tmp");
  }

  async createTempFile(): Promise<TempFile> {
    const dir = this.tempDir();
    await mkdir(dir, { recursive: true });
    const tmpPath = path.join(dir, tempFileName());
    return {
      path: tmpPath,
      commit: async (hash, kind) => {
        const dest = this.file(hash, kind);
        await mkdir(path.dirname(dest), { recursive: true });
        // rename is atomic: readers see the old complete file or the new one.
        await rename(tmpPath, dest);
      },
      discard: async () => {
        await rm(tmpPath, { force: true }).catch(() => undefined);
      },
    };
  }

  async sweepAbandonedTemp(): Promise<number> {
    const dir = this.tempDir();
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => null); // gone meanwhile: its writer finished it
      if (st?.isFile() && isAbandoned(name, st.mtimeMs)) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

function missing(err: unknown, kind: FileKind): unknown {
  if ((err as { code?: string }).code === "ENOENT") {
    return new AppError("not_found", `The ${kind} file is not stored (yet).`);
  }
  return err;
}

const g = globalThis as unknown as { __instaStorage?: { root: string; s: Storage } };

/** The process's storage, rooted at STORAGE_DIR (default DATA_DIR/storage). */
export function storage(): Storage {
  const root = getEnv().storageDir;
  if (g.__instaStorage?.root !== root) g.__instaStorage = { root, s: new LocalStorage(root) };
  return g.__instaStorage.s;
}
