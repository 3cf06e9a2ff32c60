// What an anonymous share-link visitor can make the server do, in-process
// against the real route handlers, real Postgres and a private storage folder:
// a share read never refreshes (writes) the album; a share ZIP holds only what
// the share page shows; a photo the image pipeline refused never reaches an
// album or an export.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db, ensureMigrated } from "@/lib/db";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { createAlbum, listAlbums, refreshSetOrganization } from "@/lib/organize";
import { createShareLink, createShareSchema, listShareLinks } from "@/lib/share";
import { storage } from "@/lib/storage";
import { GET as shareGet } from "@/app/api/share/[token]/route";
import { GET as shareExportGet } from "@/app/api/share/[token]/export/route";
import { POST as albumPhotosPost } from "@/app/api/teams/[teamId]/albums/[albumId]/photos/route";
import { stagesFor } from "@/test/fixtures/photo-stages";
import { unzip } from "@/test/helpers/zip";

// The member routes read the session's user id; tests set it.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth", async (orig) => ({
  ...(await orig<typeof import("@/lib/auth")>()),
  currentSession: async () => (session.userId ? { userId: session.userId, version: 0 } : null),
}));

process.env.STORAGE_DIR = path.join(tmpdir(), `insta-share-public-${process.pid}-${randomBytes(3).toString("hex")}`);

const box = { x: 0, y: 0, width: 1, height: 1 };

beforeAll(async () => {
  await ensureMigrated();
});

async function fixture() {
  const suffix = randomBytes(4).toString("hex");
  const user = await db().user.create({ data: { email: `sp-${suffix}@example.test`, name: "Sam", passwordHash: "x" } });
  const team = await db().team.create({ data: { name: `team ${suffix}`, memberships: { create: { userId: user.id, role: "OWNER" } } } });
  const set = await db().photoSet.create({ data: { teamId: team.id, name: "Trip", createdById: user.id } });
  async function photo(category: string, score: number, name: string) {
    const original = await sharp({ create: { width: 64, height: 80, channels: 3, background: { r: score * 20, g: 90, b: 140 } } })
      .jpeg()
      .toBuffer();
    const contentHash = randomBytes(32).toString("hex");
    await storage().put(contentHash, "original", original);
    const analysis = await db().analysisCache.create({
      data: {
        teamId: team.id, contentHash, provider: "llama", model: "m", promptVersion: "v1",
        result: {
          source: "ai", description: `secret description of ${name}`, category, tags: [`secrettag-${name}`],
          quality: { score, reason: "r" }, instagram: { score, reason: "r" },
          caption: `Caption ${name}`, hashtags: ["#public"], altText: `Alt ${name}`, crops: { "4:5": box, "1:1": box, "1.91:1": box }, problems: [],
        },
      },
    });
    return db().photo.create({
      data: {
        setId: set.id, teamId: team.id, contentHash, originalName: `${name}.jpg`, mimeType: "image/jpeg", sizeBytes: original.length,
        width: 64, height: 80, phash: "0123456789abcdef", state: "ANALYZED", ...stagesFor("ANALYZED", 64), analysisId: analysis.id, category,
        qualityScore: score, instagramScore: score,
      },
    });
  }
  return { user, team, set, photo };
}

const ctx = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
const get = (url: string) => new NextRequest(new URL(url, "http://localhost:3000"));

async function albumRows(setId: string) {
  const albums = await db().album.findMany({
    where: { setId },
    select: { id: true, updatedAt: true, coverPhotoId: true, photos: { select: { photoId: true, position: true }, orderBy: { position: "asc" } } },
    orderBy: { id: "asc" },
  });
  return albums;
}

describe("share reads never write", () => {
  it("GET /api/share/:token and its ZIP serve the album as last refreshed, without running the refresh", async () => {
    const f = await fixture();
    await f.photo("food", 8, "pasta");
    await f.photo("food", 6, "pizza");
    await f.photo("travel", 7, "road");
    await refreshSetOrganization(f.set.id);
    const albums = await listAlbums(f.team.id, f.set.id);
    const food = albums.find((a) => a.name === "Food")!;
    const best = albums.find((a) => a.kind === "BEST")!;
    const foodLink = await createShareLink(f.team.id, f.user.id, food.id, { allowDownload: true });
    const bestLink = await createShareLink(f.team.id, f.user.id, best.id, { allowDownload: true });

    // Results land without anything refreshing the albums (as a run's batch does).
    await f.photo("food", 9, "late");
    await db().photo.updateMany({ where: { setId: f.set.id, originalName: "road.jpg" }, data: { category: "food" } });
    const before = await albumRows(f.set.id);

    for (const link of [foodLink, bestLink]) {
      const r = await shareGet(get(`/api/share/${link.token}`), ctx({ token: link.token }));
      expect(r.status).toBe(200);
      const body = (await r.json()) as { photos: { caption: string }[] };
      expect(body.photos.map((p) => p.caption)).not.toContain("Caption late");
      const zip = await shareExportGet(get(`/api/share/${link.token}/export?ratio=1:1`), ctx({ token: link.token }));
      expect(zip.status).toBe(200);
      const entries = await unzip(Buffer.from(await zip.arrayBuffer()));
      expect([...entries.keys()].some((n) => n.includes("late"))).toBe(false);
    }
    const shownFood = (await (await shareGet(get(`/api/share/${foodLink.token}`), ctx({ token: foodLink.token }))).json()) as {
      photos: { caption: string }[];
    };
    expect(shownFood.photos.map((p) => p.caption)).toEqual(["Caption pasta", "Caption pizza"]);
    // Not one album row, membership, position or cover was written by the visitors.
    expect(await albumRows(f.set.id)).toEqual(before);

    // The refresh that follows a change (a closed run, an edit); visitors then see the new state.
    await refreshSetOrganization(f.set.id);
    const after = (await (await shareGet(get(`/api/share/${foodLink.token}`), ctx({ token: foodLink.token }))).json()) as {
      photos: { caption: string }[];
    };
    expect(after.photos.map((p) => p.caption)).toEqual(["Caption late", "Caption pasta", "Caption road", "Caption pizza"]);
  });
});

/** A valid PNG of width x height 1-bit black pixels: a few KB on disk, far over MAX_IMAGE_PIXELS decoded. */
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
  ihdr[8] = 1;
  ihdr[9] = 0;
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("a photo the image pipeline refused", () => {
  it("leaves the albums it was put in while waiting, cannot be added again (409), and is skipped by an export, never decoded", async () => {
    const f = await fixture();
    const fine = await f.photo("food", 8, "pasta");
    const bomb = await ingestFile({ teamId: f.team.id, setId: f.set.id, originalName: "bomb.png", buffer: hugePng(20_000, 20_000) });
    const bombRow = await db().photo.findUniqueOrThrow({ where: { id: bomb.photoId } });
    // Put in a custom album while it still waits for the pipeline (allowed: it may turn out fine).
    const album = await createAlbum(f.team.id, { name: "Mine", kind: "CUSTOM", photoIds: [bomb.photoId, fine.id], suggestOrder: false });
    expect(await processPendingPhotos({ setId: f.set.id })).toBe(1);
    const refused = await db().photo.findUniqueOrThrow({ where: { id: bomb.photoId } });
    expect(refused).toMatchObject({ state: "FAILED", unreadable: true, width: null });
    expect(refused.stateReason).toMatch(/400\.0 megapixels; the limit is 100\.0/);
    // Out of the album (cover moved on), and its original is no longer kept.
    expect((await db().albumPhoto.findMany({ where: { albumId: album.id } })).map((r) => r.photoId)).toEqual([fine.id]);
    expect((await db().album.findUniqueOrThrow({ where: { id: album.id } })).coverPhotoId).toBe(fine.id);
    expect(await storage().has(bombRow.contentHash, "original")).toBe(false);

    // Adding it now is a clear 409 naming the file and the reason.
    session.userId = f.user.id;
    const add = await albumPhotosPost(
      new NextRequest(new URL(`http://localhost:3000/api/teams/${f.team.id}/albums/${album.id}/photos`), {
        method: "POST",
        body: JSON.stringify({ photoIds: [bomb.photoId] }),
        headers: { "content-type": "application/json" },
      }),
      ctx({ teamId: f.team.id, albumId: album.id }),
    );
    expect(add.status).toBe(409);
    expect(((await add.json()) as { error: { message: string } }).error.message).toMatch(/"bomb\.png" could not be read \(The image is 400\.0 megapixels/);
    expect(await db().albumPhoto.count({ where: { albumId: album.id } })).toBe(1);

    // A membership from before this rule (rows written by older code): the export leaves the photo out
    // without opening its bytes - here they are the 400-megapixel PNG itself, stored again.
    await storage().put(bombRow.contentHash, "original", hugePng(20_000, 20_000));
    await db().albumPhoto.create({ data: { albumId: album.id, photoId: bomb.photoId, position: 1 } });
    const link = await createShareLink(f.team.id, f.user.id, album.id, { allowDownload: true });
    const zip = await shareExportGet(get(`/api/share/${link.token}/export?ratio=1:1`), ctx({ token: link.token }));
    const entries = await unzip(Buffer.from(await zip.arrayBuffer()));
    expect([...entries.keys()].filter((n) => n.endsWith(".jpg"))).toEqual(["Mine/001.jpg"]);
    const problems = entries.get("export-problems.txt")!.toString("utf8");
    expect(problems).toMatch(/^Mine\/002\.jpg: the image pipeline refused it \(The image is 400\.0 megapixels/m);
    expect(problems).not.toContain("bomb.png"); // a share without names does not name it either
  });
});

describe("a share link's ZIP holds only what the share page shows", () => {
  it("neutral file names unless the owner chose names; never the description, tags, category, scores or ratings", async () => {
    const f = await fixture();
    await f.photo("food", 8, "pasta");
    await f.photo("food", 6, "pizza");
    await db().photo.updateMany({ where: { setId: f.set.id }, data: { rating: 5, flag: "PICK" } });
    await refreshSetOrganization(f.set.id);
    const food = (await listAlbums(f.team.id, f.set.id)).find((a) => a.name === "Food")!;
    const plain = await createShareLink(f.team.id, f.user.id, food.id, createShareSchema.parse({ allowDownload: true }));
    const named = await createShareLink(f.team.id, f.user.id, food.id, createShareSchema.parse({ allowDownload: true, includeNames: true }));
    const listed = await listShareLinks(f.team.id, food.id);
    expect(listed.map((l) => [l.id, l.includeNames]).sort()).toEqual([[named.id, true], [plain.id, false]].sort());

    const download = async (token: string) => {
      const r = await shareExportGet(get(`/api/share/${token}/export?ratio=1:1`), ctx({ token }));
      expect(r.status).toBe(200);
      return unzip(Buffer.from(await r.arrayBuffer()));
    };
    const hidden = ["secret description", "secrettag", "Rating", "rating", "instagram_score", "quality_score", "category", "analysed"];

    const a = await download(plain.token);
    expect([...a.keys()].sort()).toEqual(["Food/001.jpg", "Food/001.xmp", "Food/002.jpg", "Food/002.xmp", "Food/captions.csv", "Food/captions.json"]);
    const csv = a.get("Food/captions.csv")!.toString("utf8").replace(/^\uFEFF/, "");
    expect(csv.split(/\r?\n/)[0]).toBe("file,album,caption,hashtags,alt_text");
    expect(csv).toContain("001.jpg,Food,Caption pasta,#public,Alt pasta");
    for (const [name, data] of a) {
      const text = data.toString("latin1"); // JPEGs too: they carry the XMP packet inside
      for (const word of [...hidden, "pasta.jpg", "pizza.jpg", "dc:title"]) expect(text, `${name} holds ${word}`).not.toContain(word);
    }
    expect(a.get("Food/001.xmp")!.toString("utf8")).toContain("Caption pasta");
    expect(JSON.parse(a.get("Food/captions.json")!.toString("utf8"))).toEqual({
      album: "Food",
      photos: [
        { file: "001.jpg", caption: "Caption pasta", hashtags: ["#public"], altText: "Alt pasta" },
        { file: "002.jpg", caption: "Caption pizza", hashtags: ["#public"], altText: "Alt pizza" },
      ],
    });

    const b = await download(named.token);
    expect([...b.keys()].filter((n) => n.endsWith(".jpg")).sort()).toEqual(["Food/001-pasta.jpg", "Food/002-pizza.jpg"]);
    expect(b.get("Food/captions.csv")!.toString("utf8")).toContain("file,album,original_name,caption,hashtags,alt_text");
    expect(b.get("Food/001-pasta.xmp")!.toString("utf8")).toMatch(/<dc:title>[\s\S]*pasta\.jpg/);
    for (const [name, data] of b) {
      for (const word of hidden) expect(data.toString("latin1"), `${name} holds ${word}`).not.toContain(word);
    }
  });
});
