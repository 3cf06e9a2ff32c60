// Disk space comes back and a team can be held to a quota (issue 13, finding
// 13), against the real Postgres and a private storage folder: a content's
// files go once no photo row needs them - not while another set or team holds
// the same bytes, and never under an upload of the same bytes racing the
// deletion; a team over TEAM_STORAGE_QUOTA_BYTES gets a 413 naming the quota.
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db, ensureMigrated } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { bulkPhotoAction } from "@/lib/organize/bulk";
import { deleteSet } from "@/lib/sets";
import { storage } from "@/lib/storage";
import { reclaimContent } from "@/lib/storage/reclaim";
import { sceneJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

const storageDir = path.join(tmpdir(), `insta-reclaim-${process.pid}-${randomBytes(3).toString("hex")}`);
process.env.STORAGE_DIR = storageDir;

beforeAll(async () => {
  await ensureMigrated();
});
afterEach(() => {
  delete process.env.TEAM_STORAGE_QUOTA_BYTES;
  resetEnvCache();
});

const KINDS = ["original", "analysis", "thumb"] as const;
const stored = async (hash: string) => Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await storage().has(hash, k)])));
const all = (v: boolean) => Object.fromEntries(KINDS.map((k) => [k, v]));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe("storage is reclaimed", () => {
  it("deleting photos and sets removes their files once no row needs the bytes; another set's copy keeps them", async () => {
    const { user, team, set } = await teamWithSet();
    const other = await db().photoSet.create({ data: { teamId: team.id, name: "Other", createdById: user.id } });
    const shared = await sceneJpeg(701);
    const own = await sceneJpeg(702);
    const a = await ingestFile({ teamId: team.id, setId: set.id, originalName: "shared.jpg", buffer: shared });
    const b = await ingestFile({ teamId: team.id, setId: set.id, originalName: "own.jpg", buffer: own });
    const c = await ingestFile({ teamId: team.id, setId: other.id, originalName: "shared again.jpg", buffer: shared });
    await processPendingPhotos({ setId: set.id });
    await processPendingPhotos({ setId: other.id });
    const hashOf = async (id: string) => (await db().photo.findUniqueOrThrow({ where: { id } })).contentHash;
    const [hs, ho] = [await hashOf(a.photoId), await hashOf(b.photoId)];
    expect(await hashOf(c.photoId)).toBe(hs);
    // The model's answer for the bytes is kept by content hash: it needs no file and outlives them.
    await db().analysisCache.create({ data: { teamId: team.id, contentHash: ho, provider: "local", model: "m", promptVersion: "v", result: {} } });
    expect(await stored(hs)).toEqual(all(true));
    expect(await stored(ho)).toEqual(all(true));

    // Removing both photos of the first set: its own bytes go, the shared ones stay for the other set.
    await bulkPhotoAction(team.id, { action: "remove", photoIds: [a.photoId, b.photoId] });
    expect(await stored(ho)).toEqual(all(false));
    expect(await stored(hs)).toEqual(all(true));
    expect(await db().analysisCache.count({ where: { contentHash: ho } })).toBe(1);

    // Deleting the other set takes the last copy.
    expect(await deleteSet(team.id, other.id)).toEqual({ photos: 1, filesRemoved: 1 });
    expect(await stored(hs)).toEqual(all(false));
    expect(await db().photoSet.count({ where: { id: other.id } })).toBe(0);
  });

  it("an upload of the same bytes racing a deletion always keeps its file", async () => {
    const { team, set } = await teamWithSet();
    const jpeg = await sceneJpeg(703);
    for (let round = 0; round < 6; round++) {
      const first = await ingestFile({ teamId: team.id, setId: set.id, originalName: `a${round}.jpg`, buffer: jpeg });
      const next = await db().photoSet.create({ data: { teamId: team.id, name: `race ${round}`, createdById: (await db().photoSet.findUniqueOrThrow({ where: { id: set.id } })).createdById } });
      // The deletion's reclaim and the second upload's commit + insert run at the same time.
      const [, second] = await Promise.all([
        bulkPhotoAction(team.id, { action: "remove", photoIds: [first.photoId] }),
        ingestFile({ teamId: team.id, setId: next.id, originalName: `b${round}.jpg`, buffer: jpeg }),
      ]);
      const row = await db().photo.findUniqueOrThrow({ where: { id: second.photoId } });
      expect(await storage().has(row.contentHash, "original")).toBe(true);
      await bulkPhotoAction(team.id, { action: "remove", photoIds: [second.photoId] });
      expect(await storage().has(row.contentHash, "original")).toBe(false);
    }
  });

  it("reclaim leaves alone bytes another team still needs", async () => {
    const one = await teamWithSet();
    const two = await teamWithSet();
    const jpeg = await sceneJpeg(704);
    const p1 = await ingestFile({ teamId: one.team.id, setId: one.set.id, originalName: "x.jpg", buffer: jpeg });
    await ingestFile({ teamId: two.team.id, setId: two.set.id, originalName: "y.jpg", buffer: jpeg });
    const hash = (await db().photo.findUniqueOrThrow({ where: { id: p1.photoId } })).contentHash;
    await deleteSet(one.team.id, one.set.id);
    expect(await storage().has(hash, "original")).toBe(true);
    expect(await reclaimContent([hash])).toBe(0);
  });
});

describe("team storage quota", () => {
  it("refuses an upload that would take the team over TEAM_STORAGE_QUOTA_BYTES with a 413 naming the quota; room comes back on delete", async () => {
    const { user, team, set } = await teamWithSet();
    const photos = await Promise.all([705, 706, 707].map((s) => sceneJpeg(s)));
    const quota = Math.max(photos[0]!.length, photos[2]!.length) + photos[1]!.length + 10;
    process.env.TEAM_STORAGE_QUOTA_BYTES = String(quota);
    resetEnvCache();
    const p0 = await ingestFile({ teamId: team.id, setId: set.id, originalName: "0.jpg", buffer: photos[0]! });
    await ingestFile({ teamId: team.id, setId: set.id, originalName: "1.jpg", buffer: photos[1]! });
    const refused = await ingestFile({ teamId: team.id, setId: set.id, originalName: "2.jpg", buffer: photos[2]! }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(413);
    expect((refused as AppError).message).toMatch(/"2\.jpg" \([\d.]+ KB\) does not fit: this team's storage quota is [\d.]+ KB, and [\d.]+ KB of it is in use\. Delete photos or sets/);
    expect((refused as AppError).details).toMatchObject({ quotaBytes: quota });
    expect(await db().photo.count({ where: { setId: set.id } })).toBe(2);
    expect(await filesUnder(path.join(storageDir, "tmp"))).toEqual([]); // the refused file's bytes are not kept

    // Bytes the team already holds cost nothing: the same photo in another set fits.
    const other = await db().photoSet.create({ data: { teamId: team.id, name: "Other", createdById: user.id } });
    await ingestFile({ teamId: team.id, setId: other.id, originalName: "0 again.jpg", buffer: photos[0]! });

    // Full: refused before a byte is stored, whatever its size.
    process.env.TEAM_STORAGE_QUOTA_BYTES = String(photos[0]!.length);
    resetEnvCache();
    const full = await ingestFile({ teamId: team.id, setId: set.id, originalName: "tiny.jpg", buffer: Buffer.from([0xff, 0xd8]) }).catch((e: unknown) => e);
    expect((full as AppError).status).toBe(413);
    expect((full as AppError).message).toMatch(/"tiny\.jpg" was not stored: this team's storage quota is/);

    // Deleting makes room again.
    process.env.TEAM_STORAGE_QUOTA_BYTES = String(quota);
    resetEnvCache();
    await bulkPhotoAction(team.id, { action: "remove", photoIds: [p0.photoId] });
    await deleteSet(team.id, other.id);
    await ingestFile({ teamId: team.id, setId: set.id, originalName: "2.jpg", buffer: photos[2]! });
  });
});
