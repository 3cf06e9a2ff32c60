// Content-addressed local storage: round trips, atomic temp-file commit, the
// start-up sweep of temp files whose writer died, and no path that a caller can steer.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStorage } from "@/lib/storage";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const dirs: string[] = [];
async function store() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "insta-storage-"));
  dirs.push(dir);
  return new LocalStorage(dir);
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("LocalStorage", () => {
  it("puts, gets, streams, sizes and deletes by (hash, kind)", async () => {
    const s = await store();
    const data = Buffer.from("photo bytes");
    const h = sha(data);
    expect(await s.has(h, "original")).toBe(false);
    await s.put(h, "original", data);
    await s.put(h, "thumb", Buffer.from("thumb"));
    expect(await s.get(h, "original")).toEqual(data);
    expect((await s.get(h, "thumb")).toString()).toBe("thumb");
    expect(await s.size(h, "original")).toBe(data.length);
    const chunks: Buffer[] = [];
    for await (const c of s.stream(h, "original") as AsyncIterable<Buffer>) chunks.push(c);
    expect(Buffer.concat(chunks)).toEqual(data);
    await s.delete(h, "original");
    expect(await s.has(h, "original")).toBe(false);
    await expect(s.get(h, "original")).rejects.toMatchObject({ code: "not_found" });
  });

  it("commits a temp file to its content address and leaves no temp behind", async () => {
    const s = await store();
    const tmp = await s.createTempFile();
    await writeFile(tmp.path, "streamed");
    const h = sha(Buffer.from("streamed"));
    await tmp.commit(h, "original");
    expect((await s.get(h, "original")).toString()).toBe("streamed");
    expect(await readdir(path.join(s.root, "tmp"))).toEqual([]);
    const gone = await s.createTempFile();
    await writeFile(gone.path, "x");
    await gone.discard();
    expect(await readdir(path.join(s.root, "tmp"))).toEqual([]);
  });

  it("sweeps temp files of dead writers only: a live process's (this one's) stay", async () => {
    const s = await store();
    const mine = await s.createTempFile();
    await writeFile(mine.path, "uploading");
    const [host, pid, token] = path.basename(mine.path).split("~");
    expect(Number(pid)).toBe(process.pid);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid; // exited before we look
    const tmp = path.join(s.root, "tmp");
    const names = {
      deadWriter: `${host}~${dead}~${token}~aaaa`,
      earlierMe: `${host}~${process.pid}~00000000~bbbb`, // same pid, another token: a previous incarnation
      otherHost: `elsewhere.example~${dead}~${token}~cccc`,
      oldUnknown: "1700000000000-0123456789abcdef",
      freshUnknown: "1800000000000-0123456789abcdef",
    };
    for (const n of Object.values(names)) await writeFile(path.join(tmp, n), "x");
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(path.join(tmp, names.oldUnknown), dayAgo, dayAgo);
    expect(await s.sweepAbandonedTemp()).toBe(3);
    expect((await readdir(tmp)).sort()).toEqual([path.basename(mine.path), names.freshUnknown, names.otherHost].sort());
  });

  it("refuses anything but a SHA-256 hex digest as an address", async () => {
    const s = await store();
    for (const bad of ["../../etc/passwd", "a".repeat(63), "A".repeat(64), `${"a".repeat(64)}/..`]) {
      await expect(s.put(bad, "original", Buffer.from("x"))).rejects.toThrow(/SHA-256/);
      expect(() => s.stream(bad, "original")).toThrow(/SHA-256/);
    }
  });
});
