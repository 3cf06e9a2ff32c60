// The image worker against real Postgres and generated photos: columns filled,
// derived files stored, broken files FAILED with a reason while the rest carry
// on, leases honoured, and near-duplicate groups kept current.
import zlib from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { groupNearDuplicates } from "@/lib/images/duplicates";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { storage } from "@/lib/storage";
import { detailedJpeg, nearDuplicateOf, scene, sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

async function add(team: { id: string }, set: { id: string }, name: string, buffer: Buffer) {
  return (await ingestFile({ teamId: team.id, setId: set.id, originalName: name, buffer })).photoId;
}

function pngClaiming(width: number, height: number, png: Buffer): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(zlib.crc32(out.subarray(12, 29)), 29);
  return out;
}

describe("processPendingPhotos", () => {
  it("fills the image columns, stores analysis JPEG and thumbnail, and queues the photo", async () => {
    const { team, set } = await teamWithSet();
    const jpeg = await (await scene(301, 1600, 1200))
      .jpeg()
      .withExif({
        IFD0: { Make: "Fujifilm", Model: "X-T5" },
        IFD2: { DateTimeOriginal: "2023:08:15 18:00:00" },
        IFD3: { GPSLatitudeRef: "S", GPSLatitude: "33/1 52/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "151/1 12/1 0/1" },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const id = await add(team, set, "sydney.jpg", jpeg);
    expect(await processPendingPhotos({ setId: set.id })).toBe(1);
    const p = await db().photo.findUniqueOrThrow({ where: { id } });
    expect(p).toMatchObject({
      state: "QUEUED", stateReason: null, leaseOwner: null, leaseExpiresAt: null, attempts: 1,
      width: 1200, height: 1600, cameraMake: "Fujifilm", cameraModel: "X-T5",
    });
    expect(p.aspect).toBeCloseTo(0.75);
    expect(p.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(p.sharpness).toBeGreaterThan(0);
    expect(p.brightness).toBeGreaterThan(0);
    expect(p.dominantColors).toEqual(expect.arrayContaining([expect.stringMatching(/^#[0-9a-f]{6}$/)]));
    expect(p.takenAt?.getUTCFullYear()).toBe(2023);
    expect(p.gpsLat).toBeCloseTo(-33.8667, 3);
    expect(p.gpsLon).toBeCloseTo(151.2, 3);
    const analysis = await sharp(await storage().get(p.contentHash, "analysis")).metadata();
    // Whole Llama 4 tiles (ADR 011): a 3:4 portrait goes at 672x896, 2x3 tiles.
    expect([analysis.format, analysis.width, analysis.height]).toEqual(["jpeg", 672, 896]);
    expect((await sharp(await storage().get(p.contentHash, "thumb")).metadata()).format).toBe("webp");
  });

  it("marks truncated files and decompression bombs FAILED with a reason and carries on", async () => {
    const { team, set } = await teamWithSet();
    const good = await sceneJpeg(302);
    const truncated = (await sceneJpeg(303, 1200, 900)).subarray(0, 20_000);
    const bomb = pngClaiming(30000, 30000, await sharp({ create: { width: 16, height: 16, channels: 3, background: "#000" } }).png().toBuffer());
    const ids = {
      truncated: await add(team, set, "cut.jpg", truncated),
      bomb: await add(team, set, "bomb.png", bomb),
      good: await add(team, set, "fine.jpg", good),
    };
    expect(await processPendingPhotos({ setId: set.id })).toBe(3);
    const rows = await db().photo.findMany({ where: { setId: set.id }, select: { id: true, state: true, stateReason: true } });
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by[ids.truncated]).toMatchObject({ state: "FAILED", stateReason: expect.stringMatching(/truncated/) });
    expect(by[ids.bomb]).toMatchObject({ state: "FAILED", stateReason: expect.stringMatching(/900\.0 megapixels; the limit is/) });
    expect(by[ids.good]).toMatchObject({ state: "QUEUED", stateReason: null });
  });

  it("reclaims an expired lease but leaves a live one alone; two workers never process a photo twice", async () => {
    const { team, set } = await teamWithSet();
    const stale = await add(team, set, "stale.jpg", await sceneJpeg(304, 200, 150));
    const live = await add(team, set, "live.jpg", await sceneJpeg(305, 200, 150));
    await db().photo.update({ where: { id: stale }, data: { state: "PROCESSING", leaseOwner: "dead", leaseExpiresAt: new Date(Date.now() - 1000), attempts: 1 } });
    await db().photo.update({ where: { id: live }, data: { state: "PROCESSING", leaseOwner: "busy", leaseExpiresAt: new Date(Date.now() + 600_000), attempts: 1 } });
    const fresh = await Promise.all([306, 307, 308, 309].map(async (s) => add(team, set, `${s}.jpg`, await sceneJpeg(s, 200, 150))));
    const [a, b] = await Promise.all([processPendingPhotos({ setId: set.id }), processPendingPhotos({ setId: set.id })]);
    expect(a + b).toBe(5);
    const rows = await db().photo.findMany({ where: { setId: set.id }, select: { id: true, state: true, attempts: true, leaseOwner: true } });
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by[stale]).toMatchObject({ state: "QUEUED", attempts: 2 });
    expect(by[live]).toMatchObject({ state: "PROCESSING", leaseOwner: "busy", attempts: 1 });
    for (const id of fresh) expect(by[id]).toMatchObject({ state: "QUEUED", attempts: 1 });
  });

  it("respects limit and only touches the given set", async () => {
    const one = await teamWithSet();
    const two = await teamWithSet();
    for (const s of [310, 311, 312]) await add(one.team, one.set, `${s}.jpg`, await sceneJpeg(s, 120, 90));
    const other = await add(two.team, two.set, "other.jpg", await sceneJpeg(313, 120, 90));
    expect(await processPendingPhotos({ setId: one.set.id, limit: 2 })).toBe(2);
    expect(await db().photo.count({ where: { setId: one.set.id, state: "UPLOADED" } })).toBe(1);
    expect((await db().photo.findUniqueOrThrow({ where: { id: other } })).state).toBe("UPLOADED");
    await processPendingPhotos({ setId: two.set.id });
  });
});

describe("near-duplicate groups", () => {
  it("groups a re-encoded, resized copy with its original, suggests the sharper one and leaves other photos alone", async () => {
    const { team, set } = await teamWithSet();
    const original = await detailedJpeg(320);
    const copy = await sharp(await nearDuplicateOf(original)).blur(2).jpeg().toBuffer();
    const ids = {
      original: await add(team, set, "a.jpg", original),
      copy: await add(team, set, "a-copy.jpg", copy),
      other: await add(team, set, "b.jpg", await sceneJpeg(321, 1200, 900)),
    };
    await processPendingPhotos({ setId: set.id });
    const rows = await db().photo.findMany({ where: { setId: set.id }, select: { id: true, duplicateGroupId: true } });
    const by = Object.fromEntries(rows.map((r) => [r.id, r.duplicateGroupId]));
    expect(by[ids.original]).not.toBeNull();
    expect(by[ids.copy]).toBe(by[ids.original]);
    expect(by[ids.other]).toBeNull();
    const group = await db().duplicateGroup.findUniqueOrThrow({ where: { id: by[ids.original]! } });
    expect(group).toMatchObject({ keeperPhotoId: ids.original, keeperChosen: false });
  });

  // Hashes written directly so the distances are exact (threshold 10).
  const H = {
    a: "0000000000000000",
    a2: "0000000000000001", // 1 from a
    b: "ffff000000000000", // 16 from a
    b2: "ffff000000000002", // 1 from b
    bridge: "ff00000000000000", // 8 from a, 8 from b
  };
  async function photoWithHash(team: { id: string }, set: { id: string }, name: keyof typeof H, sharpness: number) {
    const p = await db().photo.create({
      data: {
        setId: set.id, teamId: team.id, contentHash: `${name}`.padEnd(64, "0"), originalName: name, mimeType: "image/jpeg",
        sizeBytes: 1, state: "QUEUED", phash: H[name], sharpness, width: 100, height: 100,
      },
    });
    return p.id;
  }

  it("merges two groups that a new photo bridges, and keeps a keeper a person chose", async () => {
    const { team, set } = await teamWithSet();
    const a = await photoWithHash(team, set, "a", 10);
    const a2 = await photoWithHash(team, set, "a2", 50);
    const b = await photoWithHash(team, set, "b", 5);
    const b2 = await photoWithHash(team, set, "b2", 1);
    for (const id of [a, a2, b, b2]) await groupNearDuplicates(id, 10);
    const groupA = (await db().photo.findUniqueOrThrow({ where: { id: a } })).duplicateGroupId!;
    const groupB = (await db().photo.findUniqueOrThrow({ where: { id: b } })).duplicateGroupId!;
    expect(groupA).not.toBe(groupB);
    expect((await db().duplicateGroup.findUniqueOrThrow({ where: { id: groupA } })).keeperPhotoId).toBe(a2); // sharper
    // A person picks b2 (the least sharp) in group B; the merge must keep that choice.
    await db().duplicateGroup.update({ where: { id: groupB }, data: { keeperPhotoId: b2, keeperChosen: true } });

    const bridge = await photoWithHash(team, set, "bridge", 100);
    const merged = await groupNearDuplicates(bridge, 10);
    expect(merged).toBe(groupB);
    const groups = await db().duplicateGroup.findMany({ where: { setId: set.id }, include: { photos: { select: { id: true } } } });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.photos.map((p) => p.id).sort()).toEqual([a, a2, b, b2, bridge].sort());
    expect(groups[0]).toMatchObject({ keeperPhotoId: b2, keeperChosen: true });
  });

  it("creates one group when neighbours are placed at the same moment", async () => {
    const { team, set } = await teamWithSet();
    const a = await photoWithHash(team, set, "a", 1);
    const a2 = await photoWithHash(team, set, "a2", 2);
    await Promise.all([groupNearDuplicates(a, 10), groupNearDuplicates(a2, 10)]);
    const groups = await db().duplicateGroup.findMany({ where: { setId: set.id }, include: { photos: { select: { id: true } } } });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.photos).toHaveLength(2);
    expect(groups[0]!.keeperPhotoId).toBe(a2);
  });

  it("does not group photos of different sets", async () => {
    const one = await teamWithSet();
    const two = await teamWithSet();
    await photoWithHash(one.team, one.set, "a", 1);
    const other = await photoWithHash(two.team, two.set, "a2", 1);
    expect(await groupNearDuplicates(other, 10)).toBeNull();
  });
});
