// What an anonymous share-link visitor can make the server do, in-process
// against the real route handlers, real Postgres and a private storage folder:
// a share read never refreshes (writes) the album; a share ZIP holds only what
// the share page shows; a photo the image pipeline refused never reaches an
// album or an export.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { db, ensureMigrated } from "@/lib/db";
import { listAlbums, refreshSetOrganization } from "@/lib/organize";
import { createShareLink } from "@/lib/share";
import { storage } from "@/lib/storage";
import { GET as shareGet } from "@/app/api/share/[token]/route";
import { GET as shareExportGet } from "@/app/api/share/[token]/export/route";
import { unzip } from "@/test/helpers/zip";

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
        width: 64, height: 80, phash: "0123456789abcdef", state: "ANALYZED", analysisId: analysis.id, category,
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
