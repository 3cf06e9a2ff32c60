// Bad input, in-process against the real route handlers (real Postgres, real
// storage in a private directory): broken and hostile image files and names
// through the upload route and the image worker; malformed, oversized and
// wrongly typed JSON, path parameters and query strings to every API route;
// 10,000 photos in one set through the listing and progress endpoints.
// Each must end in a clear 4xx or a per-photo failure with a reason, never an
// unhandled 500, and storage must hold exactly what the rows say.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { processPendingPhotos } from "@/lib/images/pipeline";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

// A storage directory of our own, so "no orphan files" is exact for this file.
const storageDir = path.join(tmpdir(), `insta-hard-bad-${process.pid}-${randomBytes(3).toString("hex")}`);
process.env.STORAGE_DIR = storageDir;

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth", async (orig) => ({
  ...(await orig<typeof import("@/lib/auth")>()),
  // The team gate reads the session's user id; pages and other routes the user.
  currentSession: async () => (session.user ? { userId: session.user.id, version: 0 } : null),
  requireUser: async () => {
    if (!session.user) throw new (await import("@/lib/errors")).AppError("unauthorized", "Sign in to continue.");
    return session.user;
  },
}));

const root = path.resolve(import.meta.dirname, "../..");
const ctx = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
type Handler = (req: NextRequest, c: { params: Promise<Record<string, string>> }) => Promise<Response>;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every API route module except next-auth's own, with its URL pattern and parameter names. */
const ROUTES = walk(path.join(root, "app/api"))
  .filter((f) => f.endsWith("route.ts") && !f.includes("[...nextauth]"))
  .map((file) => {
    const rel = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).join("/");
    return { file, pattern: `/${rel}`, params: [...rel.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!) };
  });

// ---- hostile files -------------------------------------------------------

/** A real, valid 20,000 x 20,000 PNG (1-bit grey, all black): 50 MB of pixels deflated to ~50 KB. */
function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small JPEG whose frame header (SOF0) claims width x height. */
function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1]!;
    const len = out.readUInt16BE(i + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error("no SOF marker");
}

function uploadRequest(files: { name: string; data: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append("file", new Blob([new Uint8Array(f.data)]), f.name);
  return new NextRequest(new Request("http://localhost/api/upload", { method: "POST", body: form }));
}

type UploadResult = { name: string; ok: true; photoId: string } | { name: string; ok: false; status: number; message: string };

/** Every file under storage, and what the rows say should be there. */
/** Storage against this team's rows (other test files share the database, not this storage folder). */
async function storageMatchesRows(teamId: string): Promise<{ orphans: string[]; missing: string[]; temp: string[] }> {
  const files = (() => {
    try {
      return walk(storageDir).map((f) => path.basename(f));
    } catch {
      return [];
    }
  })();
  // A file refused for its content keeps its row and reason but not its bytes (lib/storage/reclaim.ts).
  const rows = await db().photo.findMany({ where: { teamId, unreadable: false }, select: { contentHash: true, state: true } });
  const hashes = new Set(rows.map((r) => r.contentHash));
  const temp = files.filter((f) => !/^[0-9a-f]{64}\./.test(f));
  const orphans = files.filter((f) => /^[0-9a-f]{64}\./.test(f) && !hashes.has(f.slice(0, 64)));
  const have = new Set(files);
  const missing = rows.filter((r) => ![...have].some((f) => f.startsWith(`${r.contentHash}.`))).map((r) => r.contentHash);
  return { orphans, missing, temp };
}

let unhandled: unknown[] = [];
const consoleError = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
  if (args[0] === "[unhandled]") unhandled.push(args[1]);
});

beforeEach(() => {
  unhandled = [];
});
afterAll(() => {
  consoleError.mockRestore();
  rmSync(storageDir, { recursive: true, force: true });
});

describe("hostile files through the upload route and the image worker", () => {
  it("refuses or fails each with a reason, stores nothing half and never uses a name as a path", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const { POST: upload } = await import("@/app/api/teams/[teamId]/sets/[setId]/uploads/route");
    const big = await sceneJpeg(901, 1200, 900);
    const corrupt = Buffer.from(big);
    // Header segments overwritten (the magic bytes stay): no decoder can make sense of it.
    for (let i = 3; i < 600; i++) corrupt[i] = (i * 131 + 17) & 0xff;
    // Entropy-coded data scrambled: libjpeg may decode it with glitches, or give up; either is fine if said.
    const glitched = Buffer.from(big);
    for (let i = 2000; i < glitched.length - 2000; i += 97) glitched[i] = (glitched[i]! * 31 + 7) & 0xff;
    const hugeExif = await (await sharp(await sceneJpeg(902, 400, 300)))
      .withExif({ IFD0: { ImageDescription: "E".repeat(60_000), Make: "Bomb", Model: "X" } })
      .jpeg()
      .toBuffer();
    const files = [
      { name: "truncated.jpg", data: big.subarray(0, Math.floor(big.length * 0.3)) },
      { name: "corrupt.jpg", data: corrupt },
      { name: "glitched.jpg", data: glitched },
      { name: "empty.jpg", data: Buffer.alloc(0) },
      { name: "notes.jpg", data: Buffer.from("this is a text file, not a photo\n".repeat(20)) },
      { name: "huge-20000.png", data: hugePng(20_000, 20_000) },
      { name: "bomb.jpg", data: jpegClaiming(await sceneJpeg(903, 64, 48), 65_000, 65_000) },
      { name: "exif.jpg", data: hugeExif },
      { name: "../../../../etc/passwd.jpg", data: await sceneJpeg(904, 64, 48) },
      { name: `${"long".repeat(300)}.jpg`, data: await sceneJpeg(906, 64, 48) },
      { name: "写真 фото صورة 📷.jpg", data: await sceneJpeg(907, 64, 48) },
    ];
    const res = await upload(uploadRequest(files), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const uploadBody = (await res.json()) as { results: UploadResult[] };
    const { results } = uploadBody;
    expect(results, JSON.stringify(uploadBody)).toBeDefined();
    expect(results).toHaveLength(files.length);
    // A NUL in a part header is malformed multipart: the whole request is a 400
    // (whatever came before it in that request is either kept whole or not at all).
    const nul = await upload(
      uploadRequest([
        { name: "before-nul.jpg", data: await sceneJpeg(908, 64, 48) },
        { name: "nul\u0000byte.jpg", data: await sceneJpeg(905, 64, 48) },
      ]),
      ctx({ teamId: team.id, setId: set.id }),
    );
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as { error: { message: string } }).error.message).toMatch(/malformed|cut off/);
    const byName = new Map(results.map((r, i) => [files[i]!.name, r]));
    for (const name of ["empty.jpg", "notes.jpg"]) {
      const r = byName.get(name)!;
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.status, name).toBeGreaterThanOrEqual(400);
        expect(r.status, name).toBeLessThan(500);
        expect(r.message.length, name).toBeGreaterThan(10);
      }
    }

    await processPendingPhotos({ setId: set.id });
    const rows = await db().photo.findMany({ where: { setId: set.id } });
    const accepted = results.filter((r) => r.ok).length;
    expect(rows.filter((r) => r.originalName !== "before-nul.jpg")).toHaveLength(accepted);
    for (const r of rows) {
      // Done with a reason, or decoded: never stuck in a working state.
      expect(["QUEUED", "FAILED"], r.originalName).toContain(r.state);
      if (r.state === "FAILED") expect(r.stateReason?.length ?? 0, r.originalName).toBeGreaterThan(5);
      // Names are for display only: no path separators, no control characters, bounded.
      expect([...r.originalName].some((c) => c === "/" || c === "\\" || c.charCodeAt(0) < 0x20), r.originalName).toBe(false);
      expect(r.originalName.length).toBeLessThanOrEqual(255);
    }
    const state = (needle: string) => rows.find((r) => r.originalName.includes(needle));
    for (const bad of ["truncated", "corrupt", "huge-20000", "bomb"]) {
      const r = state(bad);
      // Either refused at upload (with a reason) or failed by the worker (with a reason).
      if (r) expect(r.state, bad).toBe("FAILED");
      else expect(results.find((x) => x.name.includes(bad))?.ok, bad).toBe(false);
    }
    expect(state("huge-20000")?.stateReason ?? "").toMatch(/megapixel|too large|limit/i);
    for (const good of ["passwd", "longlong", "写真", "exif"]) expect(state(good)?.state, good).toBe("QUEUED");
    // Big EXIF is read, not stored wholesale.
    expect(JSON.stringify(state("exif")?.exif ?? null).length).toBeLessThan(20_000);

    const integrity = await storageMatchesRows(team.id);
    expect(integrity).toEqual({ orphans: [], missing: [], temp: [] });
    // Nothing escaped the storage directory under a name taken from the upload.
    const written = [storageDir, process.env.DATA_DIR!].flatMap((d) => (existsSync(d) ? walk(d) : []));
    expect(written.filter((f) => f.includes("passwd") || f.includes("写真"))).toEqual([]);
    expect(existsSync("/etc/passwd.jpg")).toBe(false);
    expect(unhandled).toEqual([]);
  });
});

describe("malformed input to every API route", () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const photo = await db().photo.create({
      data: { setId: set.id, teamId: team.id, contentHash: "a".repeat(64), originalName: "p.jpg", mimeType: "image/jpeg", sizeBytes: 1, state: "QUEUED" },
    });
    const album = await db().album.create({ data: { teamId: team.id, setId: set.id, name: "Custom", kind: "CUSTOM" } });
    const share = await db().shareLink.create({ data: { teamId: team.id, albumId: album.id, tokenHash: "b".repeat(64), createdById: user.id } });
    ids = {
      teamId: team.id,
      setId: set.id,
      photoId: photo.id,
      albumId: album.id,
      shareId: share.id,
      userId: user.id,
      invitationId: "nope",
      token: "A".repeat(43),
      kind: "thumb",
    };
  });

  async function call(route: (typeof ROUTES)[number], method: string, init: { body?: string; query?: string; params?: Record<string, string>; headers?: Record<string, string> }) {
    const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler | undefined>;
    const handler = mod[method];
    if (!handler) return null;
    const url = `http://localhost${route.pattern}${init.query ? `?${init.query}` : ""}`;
    const req = new NextRequest(
      new Request(url, { method, body: init.body, headers: { "content-type": "application/json", ...init.headers } }),
    );
    const params = Object.fromEntries(route.params.map((p) => [p, init.params?.[p] ?? ids[p] ?? "x"]));
    return handler(req, ctx(params));
  }

  const WRONG_TYPES = {
    name: 1, role: [], action: {}, password: 5, photoIds: "x", hashes: 3, token: 9, teamId: [], caption: {},
    hashtags: 7, category: 1, order: "x", groupId: 1, photoId: [], expiresInDays: "soon", allowDownload: "yes",
    email: 5, suggestOrder: "no", kind: 3, setId: {},
  };

  it("answers malformed, mistyped and oversized JSON with a 4xx, never a 500", async () => {
    // Refused: not JSON, not an object, wrong types, over 1 MB. Merely odd (unknown keys, NUL in text): not a 500.
    const refused = ["{", '{"a":', "\u0000\u0001", "[]", '"text"', "42", "null", JSON.stringify(WRONG_TYPES), JSON.stringify({ name: "x".repeat(1_100_000) })];
    const odd = [
      JSON.stringify({ nested: { deep: Array.from({ length: 5000 }, () => ({})) } }),
      JSON.stringify(Object.fromEntries(Object.keys(WRONG_TYPES).map((k) => [k, "nul\u0000here"]))),
    ];
    const bodies = [...refused, ...odd];
    const failures: string[] = [];
    let n = 0;
    for (const r of ROUTES) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        if (r.pattern.endsWith("/uploads")) continue; // multipart, covered above
        for (const body of bodies) {
          const res = await call(r, method, { body });
          if (!res) continue;
          n++;
          // DELETEs without a body may legitimately succeed; anything else must be refused.
          const okDelete = method === "DELETE" && res.status < 300;
          const mayPass = okDelete || odd.includes(body);
          if (res.status >= 500 || (!mayPass && res.status < 400)) failures.push(`${method} ${r.pattern} ${body.slice(0, 30)}: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(n).toBeGreaterThan(200);
  });

  it("answers hostile path parameters and query strings with a 4xx (or a plain answer), never a 500", async () => {
    const junk = ["../../etc/passwd", "\u0000", "a".repeat(5000), "💥", "' OR 1=1 --"];
    const queries = [
      "limit=-1", "limit=abc", "limit=1e9", "limit=99999999999999999999", "cursor=" + "z".repeat(500), "state=BOGUS",
      "sort=__proto__", "order=sideways", "category=%00", "minScore=NaN", "ratio=99:1", "ratio=abc", "photoId=", "q=" + "x".repeat(10_000),
    ];
    const failures: string[] = [];
    for (const r of ROUTES) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        if (r.pattern.endsWith("/uploads")) continue;
        const body = method === "GET" ? undefined : "{}";
        for (const p of r.params) {
          for (const value of junk) {
            const res = await call(r, method, { body, params: { [p]: value } });
            if (res && res.status >= 500) failures.push(`${method} ${r.pattern} ${p}=${JSON.stringify(value.slice(0, 20))}: ${res.status}`);
          }
        }
        if (method !== "GET") continue;
        for (const query of queries) {
          const res = await call(r, method, { query });
          if (res && res.status >= 500) failures.push(`${method} ${r.pattern}?${query.slice(0, 30)}: ${res.status}`);
          await res?.arrayBuffer(); // exports stream a ZIP; drain it
        }
      }
    }
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});

describe("10,000 photos in one set", () => {
  it("lists them in bounded pages, each photo exactly once, and counts progress right", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const states = ["QUEUED", "ANALYZED", "FAILED", "SKIPPED"] as const;
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      setId: set.id,
      teamId: team.id,
      contentHash: i.toString(16).padStart(64, "0"),
      originalName: `img-${i}.jpg`,
      mimeType: "image/jpeg",
      sizeBytes: 100,
      state: states[i % 4]!,
      ...(states[i % 4] === "FAILED" ? { stateReason: "broken" } : {}),
    }));
    for (let i = 0; i < rows.length; i += 2000) await db().photo.createMany({ data: rows.slice(i, i + 2000) });

    const { GET: list } = await import("@/app/api/teams/[teamId]/sets/[setId]/photos/route");
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `limit=500${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await list(new NextRequest(`http://localhost/x?${q}`), ctx({ teamId: team.id, setId: set.id }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { photos: { id: string }[]; nextCursor: string | null };
      expect(body.photos.length).toBeLessThanOrEqual(500);
      for (const p of body.photos) seen.add(p.id);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen.size).toBe(10_000);
    expect(pages).toBe(20);
    // A page larger than the cap is refused, not served.
    const tooBig = await list(new NextRequest("http://localhost/x?limit=10000"), ctx({ teamId: team.id, setId: set.id }));
    expect(tooBig.status).toBe(400);

    const { GET: results } = await import("@/app/api/teams/[teamId]/sets/[setId]/analysis/results/route");
    const page = await results(new NextRequest("http://localhost/x"), ctx({ teamId: team.id, setId: set.id }));
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text.length).toBeLessThan(500_000); // one page, not the whole set

    const { GET: progress } = await import("@/app/api/teams/[teamId]/sets/[setId]/analysis/route");
    const pr = await progress(new NextRequest("http://localhost/x"), ctx({ teamId: team.id, setId: set.id }));
    expect(pr.status).toBe(200);
    const body = JSON.stringify(await pr.json());
    // The totals appear as numbers; no per-photo list rides along with progress.
    expect(body).toContain("10000");
    expect(body).toContain("2500");
    expect(body.length).toBeLessThan(50_000);
    expect(unhandled).toEqual([]);
  });
});

