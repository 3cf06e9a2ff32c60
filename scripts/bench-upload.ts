// npm run bench:upload [-- --mb 1024 --file-mb 5 --parallel 3] [--app]
// npm run bench:upload -- --faces: thumbnails of 200 photos with the face stage on vs off (scripts/bench-upload-faces.ts).
// Streams ~1 GB of photos through the upload path (busboy on a streamed
// multipart body -> temp file + SHA-256 -> content-addressed storage -> Photo
// rows in a fresh Postgres database) the way the browser sends them: one file
// per request, a few requests at a time. Prints the server's RSS growth over
// its warmed-up baseline (bar: < 200 MB) and the throughput.
// Default: in-process, calling receiveUpload (the route minus auth, which needs
// Next's request context). --app: against the built app (`npm start`'s server, needs
// `npm run build`), over HTTP as a signed-in user, measuring the server
// process tree's RSS; image workers are off there so only uploading is measured.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { createDatabase, dropDatabase } from "@/test/helpers/pg";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "1024" },
    "file-mb": { type: "string", default: "5" },
    parallel: { type: "string", default: "3" },
    app: { type: "boolean", default: false },
    faces: { type: "boolean", default: false },
  },
  // --faces takes its own options (scripts/bench-upload-faces.ts).
  strict: !process.argv.includes("--faces"),
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

/** Uploads `files` files with `parallel` in flight; RSS of the server sampled every 10 ms by `rss()`. */
async function measure(upload: (i: number) => Promise<void>, rss: () => number): Promise<void> {
  // Warm up (JIT, pools, first DB connections), then take the baseline.
  for (let i = 0; i < parallel * 2; i++) await upload(-1 - i);
  const baseline = rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 10);
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
  peak = Math.max(peak, rss());
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  console.log(`${files} files x ${mb(fileBytes)} MB = ${mb(files * fileBytes)} MB in ${seconds.toFixed(1)} s (${mb((files * fileBytes) / seconds)} MB/s), ${parallel} requests at a time`);
  console.log(`server RSS baseline ${mb(baseline)} MB, peak ${mb(peak)} MB: growth ${mb(peak - baseline)} MB (bar < 200 MB)`);
}

/** Resident memory of a process and all its descendants, from /proc. */
function treeRss(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, "utf8").split(" ").filter(Boolean)) walk(Number(child));
      }
    } catch {
      // the process ended between listing and reading
    }
  };
  walk(pid);
  return total;
}

async function againstApp(head: Buffer): Promise<void> {
  const root = path.resolve(import.meta.dirname, "..");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("--app needs a production build: run `npm run build` first.");
  const { startApp } = await import("@/test/helpers/app-process");
  const { name: dbName, url } = await createDatabase("benchup");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "insta-bench-upload-"));
  const app = await startApp(
    {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, DATA_DIR: dataDir, RUN_WORKERS: "0",
      NEXTAUTH_SECRET: "bench-secret-0123456789abcdef", MAX_UPLOAD_BYTES: String(fileBytes + 1024 * 1024),
    },
    3600 + (process.pid % 300),
  );
  try {
    const base = app.baseUrl;
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const eq = pair!.indexOf("=");
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      return res;
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const user = { email: `bench-${randomBytes(4).toString("hex")}@example.test`, name: "Bench", password: "bench-password-123" };
    const signup = await fetch(`${base}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
    if (signup.status !== 202) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
    const { csrfToken } = (await keep(await fetch(`${base}/api/auth/csrf`)).json()) as { csrfToken: string };
    keep(
      await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
        body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, json: "true" }),
      }),
    );
    // Sign-up's answer does not name the personal team (it is the same for a taken e-mail).
    const { teams } = (await (await fetch(`${base}/api/teams`, { headers: { cookie: cookie() } })).json()) as { teams: { id: string; personal: boolean }[] };
    const teamId = teams.find((t) => t.personal)!.id;
    const created = await fetch(`${base}/api/teams/${teamId}/sets`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: cookie() },
      body: JSON.stringify({ name: "1 GB" }),
    });
    if (!created.ok) throw new Error(`creating the set failed: ${created.status} ${await created.text()}`);
    const { set } = (await created.json()) as { set: { id: string } };
    const pid = app.child.pid!;
    await measure(async (i) => {
      const boundary = `----bench${randomBytes(8).toString("hex")}`;
      const res = await fetch(`${base}/api/teams/${teamId}/sets/${set.id}/uploads`, {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, cookie: cookie() },
        body: multipartBody(`IMG_${i}.jpg`, head, fileBytes, boundary),
        duplex: "half",
      } as RequestInit);
      if (!res.ok) throw new Error(`upload ${i}: ${res.status} ${await res.text()}`);
    }, () => treeRss(pid));
  } finally {
    await app.stop();
    await dropDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (values.faces) {
    await import("./bench-upload-faces");
    return;
  }
  const head = await baseJpeg();
  if (values.app) return againstApp(head);
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
    await measure(async (i) => {
      const boundary = `----bench${randomBytes(8).toString("hex")}`;
      const req = new Request("http://bench/upload", {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body: multipartBody(`IMG_${i}.jpg`, head, fileBytes, boundary),
        duplex: "half",
      } as RequestInit);
      const [r] = await receiveUpload(req, { teamId: team.id, setId: set.id });
      if (!r?.ok || r.duplicate) throw new Error(`upload ${i} not stored: ${JSON.stringify(r)}`);
    }, () => process.memoryUsage.rss());
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
