// The upload route end to end in-process (real Postgres, real storage on disk):
// magic bytes decide, the size limit holds, duplicates are stored once, a
// file's name never becomes a path, and another team's set is a 404.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { getEnv, resetEnvCache } from "@/lib/env";
import { processPendingPhotos } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

// Route handlers ask lib/auth who is calling; tests say it directly.
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

const { POST: upload } = await import("@/app/api/teams/[teamId]/sets/[setId]/uploads/route");
const { POST: check } = await import("@/app/api/teams/[teamId]/sets/[setId]/uploads/check/route");
const { GET: photos } = await import("@/app/api/teams/[teamId]/sets/[setId]/photos/route");
const { GET: thumb } = await import("@/app/api/teams/[teamId]/photos/[photoId]/thumb/route");
const { GET: original } = await import("@/app/api/teams/[teamId]/photos/[photoId]/original/route");

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const base = "http://localhost/api";

function uploadRequest(files: { name: string; data: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append("file", new Blob([new Uint8Array(f.data)]), f.name);
  return new NextRequest(new Request(`${base}/upload`, { method: "POST", body: form }));
}
const ctx = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });

type UploadBody = {
  results: ({ name: string; ok: true; photoId: string; duplicate: boolean } | { name: string; ok: false; status: number; message: string })[];
  error?: { message: string };
};

let jpeg: Buffer;
let png: Buffer;
beforeAll(async () => {
  jpeg = await sceneJpeg(101);
  png = await (await import("@/test/helpers/images")).scene(102).then((s) => s.png().toBuffer());
});
afterEach(() => {
  delete process.env.MAX_UPLOAD_BYTES;
  resetEnvCache();
});

describe("POST /api/teams/:teamId/sets/:setId/uploads", () => {
  it("accepts images by their content, streams them to content-addressed storage and queues them", async () => {
    const { user, team, set } = await teamWithSet("MEMBER");
    session.user = user;
    // A PNG named .jpg is a PNG: the name is not evidence.
    const res = await upload(uploadRequest([{ name: "a.jpg", data: jpeg }, { name: "b.jpg", data: png }]), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as UploadBody;
    expect(body.results.map((r) => [r.name, r.ok])).toEqual([["a.jpg", true], ["b.jpg", true]]);
    const rows = await db().photo.findMany({ where: { setId: set.id }, orderBy: { originalName: "asc" } });
    expect(rows.map((r) => [r.originalName, r.mimeType, r.state, r.sizeBytes, r.contentHash])).toEqual([
      ["a.jpg", "image/jpeg", "UPLOADED", jpeg.length, sha(jpeg)],
      ["b.jpg", "image/png", "UPLOADED", png.length, sha(png)],
    ]);
    expect(await storage().get(sha(jpeg), "original")).toEqual(jpeg);
  });

  it("refuses a text file renamed .jpg and HEIC with a message naming the file; nothing is stored", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const text = Buffer.from("not a photo at all, just text\n".repeat(20));
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(64)]);
    const res = await upload(uploadRequest([{ name: "holiday.jpg", data: text }, { name: "IMG_1.HEIC", data: heic }]), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBe(415);
    const body = (await res.json()) as UploadBody;
    expect(body.results).toMatchObject([
      { name: "holiday.jpg", ok: false, status: 415, message: expect.stringMatching(/"holiday\.jpg" is not a JPEG, PNG/) },
      { name: "IMG_1.HEIC", ok: false, status: 415, message: expect.stringMatching(/"IMG_1\.HEIC" is a HEIC/) },
    ]);
    expect(await db().photo.count({ where: { setId: set.id } })).toBe(0);
    expect(await storage().has(sha(text), "original")).toBe(false);
  });

  it("enforces MAX_UPLOAD_BYTES per file while streaming, and keeps the other files", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const small = await sceneJpeg(103, 64, 48);
    const big = await sceneJpeg(104); // content no other test stores
    process.env.MAX_UPLOAD_BYTES = String(small.length + 10);
    resetEnvCache();
    const res = await upload(uploadRequest([{ name: "big.jpg", data: big }, { name: "small.jpg", data: small }]), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as UploadBody;
    expect(body.results).toMatchObject([
      { name: "big.jpg", ok: false, status: 413, message: expect.stringMatching(/"big\.jpg" is larger than/) },
      { name: "small.jpg", ok: true },
    ]);
    expect(await db().photo.count({ where: { setId: set.id } })).toBe(1);
    expect(await storage().has(sha(big), "original")).toBe(false);
    expect(await readdir(path.join(getEnv().storageDir, "tmp"))).toEqual([]);
  });

  it("stores the same content in one set once and reports the second as a duplicate", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const first = (await (await upload(uploadRequest([{ name: "one.jpg", data: jpeg }]), ctx({ teamId: team.id, setId: set.id }))).json()) as UploadBody;
    const again = (await (
      await upload(uploadRequest([{ name: "copy of one.jpg", data: jpeg }, { name: "one-again.jpg", data: jpeg }]), ctx({ teamId: team.id, setId: set.id }))
    ).json()) as UploadBody;
    const id = first.results[0]?.ok ? first.results[0].photoId : "";
    expect(again.results).toEqual([
      { name: "copy of one.jpg", ok: true, photoId: id, duplicate: true },
      { name: "one-again.jpg", ok: true, photoId: id, duplicate: true },
    ]);
    expect(await db().photo.count({ where: { setId: set.id } })).toBe(1);
    // Every name the content came under is kept (issue 14: only one name survived).
    expect(await db().photo.findUniqueOrThrow({ where: { id } })).toMatchObject({ originalName: "one.jpg", otherNames: ["copy of one.jpg", "one-again.jpg"] });
    await upload(uploadRequest([{ name: "one.jpg", data: jpeg }]), ctx({ teamId: team.id, setId: set.id }));
    expect((await db().photo.findUniqueOrThrow({ where: { id } })).otherNames).toEqual(["copy of one.jpg", "one-again.jpg"]);
  });

  it("takes a file's exact name from the 'name' field before it (a browser sends '\"' in a filename as %22)", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const form = new FormData();
    form.append("name", 'the "blue" door.jpg');
    form.append("file", new Blob([new Uint8Array(jpeg)]), "the %22blue%22 door.jpg");
    form.append("file", new Blob([new Uint8Array(png)]), "plain.png"); // no field: the part's filename
    const res = await upload(new NextRequest(new Request(`${base}/upload`, { method: "POST", body: form })), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBe(200);
    const names = (await db().photo.findMany({ where: { setId: set.id }, select: { originalName: true }, orderBy: { originalName: "asc" } })).map((p) => p.originalName);
    expect(names).toEqual(["plain.png", 'the "blue" door.jpg']);
  });

  it("never uses the file name as a path", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const evil = "../../../escaped-upload.jpg";
    const res = await upload(uploadRequest([{ name: evil, data: jpeg }]), ctx({ teamId: team.id, setId: set.id }));
    expect(res.status).toBe(200);
    const root = getEnv().storageDir;
    for (const dir of [root, path.dirname(root), path.dirname(path.dirname(root)), getEnv().dataDir, process.cwd()]) {
      expect(existsSync(path.join(dir, "escaped-upload.jpg"))).toBe(false);
    }
    const row = await db().photo.findFirstOrThrow({ where: { setId: set.id } });
    expect(row.originalName).toBe("escaped-upload.jpg");
    // Every stored file is named by its hash.
    const files = (await readdir(root, { recursive: true })).filter((f) => f.includes("."));
    for (const f of files) expect(path.basename(f)).toMatch(/^[0-9a-f]{64}\.(orig|analysis\.jpg|thumb\.webp|preview\.webp)$/);
  });

  it("answers 404 for another team's set and 403 for a viewer", async () => {
    const mine = await teamWithSet();
    const theirs = await teamWithSet();
    session.user = mine.user;
    const res = await upload(uploadRequest([{ name: "x.jpg", data: jpeg }]), ctx({ teamId: mine.team.id, setId: theirs.set.id }));
    expect(res.status).toBe(404);
    const cross = await upload(uploadRequest([{ name: "x.jpg", data: jpeg }]), ctx({ teamId: theirs.team.id, setId: theirs.set.id }));
    expect(cross.status).toBe(404);
    expect(await db().photo.count({ where: { setId: theirs.set.id } })).toBe(0);
    const viewer = await teamWithSet("VIEWER");
    session.user = viewer.user;
    expect((await upload(uploadRequest([{ name: "x.jpg", data: jpeg }]), ctx({ teamId: viewer.team.id, setId: viewer.set.id }))).status).toBe(403);
  });

  it("refuses a body that is not multipart", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const req = new NextRequest(`${base}/upload`, { method: "POST", body: new Uint8Array(jpeg), headers: { "content-type": "image/jpeg" } });
    expect((await upload(req, ctx({ teamId: team.id, setId: set.id }))).status).toBe(415);
  });
});

describe("hash check, listing and file routes", () => {
  it("reports which hashes the set already has, only for that set", async () => {
    const { user, team, set } = await teamWithSet();
    const other = await teamWithSet();
    session.user = user;
    await upload(uploadRequest([{ name: "a.jpg", data: jpeg }]), ctx({ teamId: team.id, setId: set.id }));
    const ask = (setId: string, teamId = team.id) =>
      check(
        new NextRequest(`${base}/check`, { method: "POST", body: JSON.stringify({ hashes: [sha(jpeg), sha(png)] }), headers: { "content-type": "application/json" } }),
        ctx({ teamId, setId }),
      );
    expect(await (await ask(set.id)).json()).toEqual({ existing: [sha(jpeg)] });
    // With names, a held file keeps the name of the copy that was not sent; an unknown hash records nothing.
    const named = await check(
      new NextRequest(`${base}/check`, {
        method: "POST",
        body: JSON.stringify({ hashes: [sha(jpeg), sha(png)], names: ["trip/a copy.jpg", "b.png"] }),
        headers: { "content-type": "application/json" },
      }),
      ctx({ teamId: team.id, setId: set.id }),
    );
    expect(await named.json()).toEqual({ existing: [sha(jpeg)] });
    expect(await db().photo.findFirstOrThrow({ where: { setId: set.id } })).toMatchObject({ originalName: "a.jpg", otherNames: ["a copy.jpg"] });
    expect((await ask(other.set.id)).status).toBe(404);
    const bad = await check(
      new NextRequest(`${base}/check`, { method: "POST", body: JSON.stringify({ hashes: ["../x"] }) }),
      ctx({ teamId: team.id, setId: set.id }),
    );
    expect(bad.status).toBe(400);
  });

  it("lists photos with state and serves thumbnails and originals once processed, team-scoped", async () => {
    const { user, team, set } = await teamWithSet();
    const stranger = await teamWithSet();
    session.user = user;
    const corrupt = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    await upload(uploadRequest([{ name: "good.jpg", data: jpeg }, { name: "cut.jpg", data: corrupt }]), ctx({ teamId: team.id, setId: set.id }));
    await processPendingPhotos({ setId: set.id });
    const list = (await (await photos(new NextRequest(`${base}/photos?limit=10`), ctx({ teamId: team.id, setId: set.id }))).json()) as {
      photos: { id: string; originalName: string; state: string; stateReason: string | null; hasThumb: boolean }[];
      nextCursor: string | null;
    };
    const byName = Object.fromEntries(list.photos.map((p) => [p.originalName, p]));
    expect(byName["good.jpg"]).toMatchObject({ state: "QUEUED", hasThumb: true, stateReason: null });
    expect(byName["cut.jpg"]).toMatchObject({ state: "FAILED", hasThumb: false, stateReason: expect.stringMatching(/truncated/) });
    const goodId = byName["good.jpg"]!.id;
    // A photo whose analysis failed later still has the thumbnail the pipeline made.
    await db().photo.update({ where: { id: goodId }, data: { state: "FAILED", failedStage: "ANALYSIS", stateReason: "The model refused" } });
    const again = (await (await photos(new NextRequest(`${base}/photos?limit=10`), ctx({ teamId: team.id, setId: set.id }))).json()) as typeof list;
    expect(again.photos.find((p) => p.id === goodId)).toMatchObject({ state: "FAILED", hasThumb: true });
    await db().photo.update({ where: { id: goodId }, data: { state: "QUEUED", failedStage: null, stateReason: null } });
    const t = await thumb(new NextRequest(`${base}/t`), ctx({ teamId: team.id, photoId: goodId }));
    expect(t.status).toBe(200);
    expect(t.headers.get("content-type")).toBe("image/webp");
    expect((await sharp(Buffer.from(await t.arrayBuffer())).metadata()).width).toBe(320);
    const o = await original(new NextRequest(`${base}/o?download=1`), ctx({ teamId: team.id, photoId: goodId }));
    expect(Buffer.from(await o.arrayBuffer())).toEqual(jpeg);
    expect(o.headers.get("content-disposition")).toContain('filename="good.jpg"');
    session.user = stranger.user;
    expect((await thumb(new NextRequest(`${base}/t`), ctx({ teamId: team.id, photoId: goodId }))).status).toBe(404);
    expect((await thumb(new NextRequest(`${base}/t`), ctx({ teamId: stranger.team.id, photoId: goodId }))).status).toBe(404);
  });

  it("pages the listing with a cursor", async () => {
    const { user, team, set } = await teamWithSet();
    session.user = user;
    const files = await Promise.all([201, 202, 203].map(async (s) => ({ name: `${s}.jpg`, data: await sceneJpeg(s, 64, 48) })));
    await upload(uploadRequest(files), ctx({ teamId: team.id, setId: set.id }));
    const page = async (cursor?: string) =>
      (await (await photos(new NextRequest(`${base}/photos?limit=2${cursor ? `&cursor=${cursor}` : ""}`), ctx({ teamId: team.id, setId: set.id }))).json()) as {
        photos: { id: string }[];
        nextCursor: string | null;
      };
    const first = await page();
    expect(first.photos).toHaveLength(2);
    const second = await page(first.nextCursor!);
    expect(second.photos).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.photos, ...second.photos].map((p) => p.id)).size).toBe(3);
  });
});
