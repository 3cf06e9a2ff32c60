// npm run bench:upload [-- --mb 1024 --file-mb 5 --parallel 3]
// Streams ~1 GB of photos through the upload handler in-process (busboy on a
// streamed multipart body -> temp file + SHA-256 -> content-addressed storage
// -> Photo rows in a fresh Postgres database) the way the browser sends them:
// one file per request, a few requests at a time. Prints the server process's
// RSS growth over its warmed-up baseline (bar: < 200 MB) and the throughput.
// Auth is the only part of the route not exercised (it needs Next's request
// context); receiveUpload is everything after it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "1024" }, "file-mb": { type: "string", default: "5" }, parallel: { type: "string", default: "3" } },
});
const totalBytes = Number(values.mb) * 1024 * 1024;
const fileBytes = Number(values["file-mb"]) * 1024 * 1024;
const parallel = Number(values.parallel);

/** A real JPEG padded after its end marker to the wanted size; the tail makes each file's content (and hash) unique. */
async function baseJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 2000, height: 1500, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** multipart/form-data with one file, produced chunk by chunk (never one big buffer). */
function multipartBody(name: string, head: Buffer, size: number, boundary: string): ReadableStream<Uint8Array> {
  const chunk = 64 * 1024;
  const salt = randomBytes(16);
  let sent = 0;
  let phase: "preamble" | "data" | "end" | "done" = "preamble";
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (phase === "preamble") {
        controller.enqueue(
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`),
        );
        phase = "data";
      } else if (phase === "data") {
        const n = Math.min(chunk, size - sent);
        const piece = Buffer.alloc(n, 0);
        // The real JPEG first, then the salt, then zero padding.
        if (sent < head.length) head.copy(piece, 0, sent, Math.min(head.length, sent + n));
        if (sent <= head.length && head.length < sent + n) salt.copy(piece, head.length - sent);
        controller.enqueue(piece);
        sent += n;
        if (sent >= size) phase = "end";
      } else if (phase === "end") {
        controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
        phase = "done";
      } else {
        controller.close();
      }
    },
  });
}

async function main(): Promise<void> {
  const { name: dbName, url } = await createDatabase("benchup");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "insta-bench-upload-"));
  process.env.DATABASE_URL = url;
  process.env.DATA_DIR = dataDir;
  process.env.MAX_UPLOAD_BYTES = String(fileBytes + 1024 * 1024);
  const { db, ensureMigrated, closeDb } = await import("@/lib/db");
  const { receiveUpload } = await import("@/lib/images/pipeline");
  try {
    await ensureMigrated();
    const user = await db().user.create({ data: { email: "bench@example.test", name: "Bench", passwordHash: "x" } });
    const team = await db().team.create({ data: { name: "Bench", memberships: { create: { userId: user.id, role: "OWNER" } } } });
    const set = await db().photoSet.create({ data: { teamId: team.id, name: "1 GB", createdById: user.id } });
    const head = await baseJpeg();
    const upload = async (i: number) => {
      const boundary = `----bench${randomBytes(8).toString("hex")}`;
      const req = new Request("http://bench/upload", {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body: multipartBody(`IMG_${i}.jpg`, head, fileBytes, boundary),
        duplex: "half",
      } as RequestInit);
      const [r] = await receiveUpload(req, { teamId: team.id, setId: set.id });
      if (!r?.ok || r.duplicate) throw new Error(`upload ${i} not stored: ${JSON.stringify(r)}`);
    };

    // Warm up (JIT, pools, first DB connections), then take the baseline.
    for (let i = 0; i < parallel * 2; i++) await upload(-1 - i);
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
    const files = Math.ceil(totalBytes / fileBytes);
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < files) await upload(next++);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage.rss());
    const stored = await db().photo.count({ where: { setId: set.id } });
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(`${files} files x ${mb(fileBytes)} MB = ${mb(files * fileBytes)} MB in ${seconds.toFixed(1)} s (${mb((files * fileBytes) / seconds)} MB/s), ${parallel} requests at a time; ${stored} photos stored`);
    console.log(`RSS baseline ${mb(baseline)} MB, peak ${mb(peak)} MB: growth ${mb(peak - baseline)} MB (bar < 200 MB)`);
  } finally {
    await closeDb();
    await dropDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
