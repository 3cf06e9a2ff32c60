// The face stage against real Postgres, through its real detector process:
// scans are stored once per (team, content), every photo of that content in the
// team is linked with its face count, another team gets its own scan, a photo
// that cannot be scanned is recorded with the reason (and not tried forever),
// a prepared low-detail image (no phash) is scanned and counted like any other,
// and a new detector version scans again.
import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { runAnalysis } from "@/lib/analysis";
import { resolveConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { exportPhotoSelect, toExportPhotos } from "@/lib/export/plan";
import { createChildScanner, DETECTOR_VERSION, scanPendingFaces, setFaceSummary, type FaceScanner } from "@/lib/faces";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { createAlbum, createAlbumSchema, getAlbum, getPhotoDetail, listPhotos, photoQuerySchema, refreshSetOrganization } from "@/lib/organize";
import { storage } from "@/lib/storage";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

const fixture = (f: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/faces", f));
const child = createChildScanner({ idleMs: 5_000 });
const scanned: string[] = [];
const scanner: FaceScanner = {
  scan: (hash) => {
    scanned.push(hash);
    return child.scan(hash);
  },
  close: () => child.close(),
};
afterAll(() => child.close());

async function add(teamId: string, setId: string, name: string) {
  return (await ingestFile({ teamId, setId, originalName: name, buffer: fixture(name) })).photoId;
}

describe("the face stage", () => {
  it("scans each content of a team once, links every photo of it, and keeps teams apart", async () => {
    const a = await teamWithSet();
    const second = await db().photoSet.create({ data: { teamId: a.team.id, name: "second", createdById: a.user.id } });
    const b = await teamWithSet();
    const astronaut = await add(a.team.id, a.set.id, "astronaut.jpg");
    const coffee = await add(a.team.id, a.set.id, "none-coffee.jpg");
    const group = await add(a.team.id, a.set.id, "four-brick.jpg");
    const again = await add(a.team.id, second.id, "astronaut.jpg");
    const other = await add(b.team.id, b.set.id, "astronaut.jpg");
    for (const s of [a.set.id, second.id, b.set.id]) await processPendingPhotos({ setId: s });

    expect(await scanPendingFaces(scanner, { setId: a.set.id })).toBe(3);
    // The second set's copy was linked with the first set's scan: nothing left there.
    expect(await scanPendingFaces(scanner, { setId: second.id })).toBe(0);
    expect(await scanPendingFaces(scanner, { setId: b.set.id })).toBe(1);
    const photos = await db().photo.findMany({
      where: { id: { in: [astronaut, coffee, group, again, other] } },
      include: { faceScan: true },
    });
    const byId = new Map(photos.map((p) => [p.id, p]));
    expect(byId.get(astronaut)!.faceCount).toBe(1);
    expect(byId.get(coffee)!.faceCount).toBe(0);
    expect(byId.get(group)!.faceCount).toBe(4);
    expect(byId.get(group)!.faceScan).toMatchObject({ faceCount: 4, eyesClosed: 2, version: DETECTOR_VERSION, error: null });
    expect(byId.get(again)!.faceScanId).toBe(byId.get(astronaut)!.faceScanId);
    expect(byId.get(other)!.faceScanId).not.toBe(byId.get(astronaut)!.faceScanId);
    const faces = byId.get(astronaut)!.faceScan!.faces as { box: { x: number; width: number }; eyesClosed: boolean }[];
    expect(faces).toHaveLength(1);
    expect(faces[0]!.eyesClosed).toBe(false);
    expect(faces[0]!.box.x).toBeGreaterThan(0.2);
    expect(faces[0]!.box.x + faces[0]!.box.width).toBeLessThan(0.65);
    // Four contents in all: the astronaut once per team, the second set's copy linked, not scanned.
    const astronautHash = byId.get(astronaut)!.contentHash;
    expect(scanned.filter((h) => h === astronautHash)).toHaveLength(2);
    expect(scanned).toHaveLength(4);

    expect(await scanPendingFaces(scanner, { setId: a.set.id })).toBe(0);
    expect(scanned).toHaveLength(4);
  });

  it("records a photo that cannot be scanned, with the reason, and moves on", async () => {
    const { team, set } = await teamWithSet();
    const broken = await add(team.id, set.id, "pair-coffee.jpg");
    const fine = await add(team.id, set.id, "trio-grass.jpg");
    await processPendingPhotos({ setId: set.id });
    const hash = (await db().photo.findUniqueOrThrow({ where: { id: broken } })).contentHash;
    await storage().delete(hash, "analysis");

    expect(await scanPendingFaces(scanner, { setId: set.id })).toBe(2);
    const bad = await db().photo.findUniqueOrThrow({ where: { id: broken }, include: { faceScan: true } });
    expect(bad.faceCount).toBeNull();
    expect(bad.faceScan?.error).toMatch(/^Faces could not be detected: /);
    expect((await db().photo.findUniqueOrThrow({ where: { id: fine } })).faceCount).toBe(3);
    expect(await scanPendingFaces(scanner, { setId: set.id })).toBe(0);
  });

  it("scans prepared low-detail images, which have no phash, and counts them in the set's summary", async () => {
    const { team, set } = await teamWithSet();
    // A white logo's empty canvas (all transparent) and a flat colour: prepared, but too plain for a phash.
    const logo = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } }).png().toBuffer();
    const flat = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#4477aa" } }).png().toBuffer();
    const ids = [
      (await ingestFile({ teamId: team.id, setId: set.id, originalName: "logo.png", buffer: logo })).photoId,
      (await ingestFile({ teamId: team.id, setId: set.id, originalName: "flat.png", buffer: flat })).photoId,
      await add(team.id, set.id, "astronaut.jpg"),
    ];
    await processPendingPhotos({ setId: set.id });
    const before = await db().photo.findMany({ where: { id: { in: ids } }, orderBy: { originalName: "asc" } });
    expect(before.map((p) => [p.originalName, p.preparedAt !== null, p.phash !== null])).toEqual([
      ["astronaut.jpg", true, true],
      ["flat.png", true, false],
      ["logo.png", true, false],
    ]);

    expect(await scanPendingFaces(scanner, { setId: set.id })).toBe(3);
    const after = await db().photo.findMany({ where: { id: { in: ids } }, include: { faceScan: true }, orderBy: { originalName: "asc" } });
    expect(after.map((p) => [p.originalName, p.faceCount, p.faceScan?.error ?? null])).toEqual([
      ["astronaut.jpg", 1, null],
      ["flat.png", 0, null],
      ["logo.png", 0, null],
    ]);
    // "Faces done" counts them: all three are the stage's photos, all three scanned, none left.
    expect(await setFaceSummary(set.id)).toMatchObject({ photos: 3, scanned: 3, withPeople: 1, failed: 0 });
    expect(await scanPendingFaces(scanner, { setId: set.id })).toBe(0);
  });

  it("scans again when the detector version changes", async () => {
    const { team, set } = await teamWithSet();
    const id = await add(team.id, set.id, "edge-left-wide.jpg");
    await processPendingPhotos({ setId: set.id });
    await scanPendingFaces(scanner, { setId: set.id });
    const first = await db().photo.findUniqueOrThrow({ where: { id } });
    await db().faceScan.update({ where: { id: first.faceScanId! }, data: { version: "an older detector" } });
    expect(await scanPendingFaces(scanner, { setId: set.id })).toBe(1);
    const now = await db().photo.findUniqueOrThrow({ where: { id }, include: { faceScan: true } });
    expect(now.faceScan).toMatchObject({ version: DETECTOR_VERSION, faceCount: 1 });
    expect(now.faceScanId).not.toBe(first.faceScanId);
  });

  it("without a key, photos with faces are in the people category and groups are tagged, whichever comes first, analysis or faces", async () => {
    const config = resolveConfig({ env: { AI_PROVIDER: "local" } });
    const category = async (id: string) => (await db().photo.findUniqueOrThrow({ where: { id } })).category;
    // Local analysis first (the usual order), faces after.
    const a = await teamWithSet();
    const person = await add(a.team.id, a.set.id, "astronaut-large.jpg");
    const cup = await add(a.team.id, a.set.id, "none-chelsea.jpg");
    const trio = await add(a.team.id, a.set.id, "trio-grass.jpg");
    await processPendingPhotos({ setId: a.set.id });
    await runAnalysis({ setId: a.set.id, config, shared: null });
    expect([await category(person), await category(cup), await category(trio)]).toEqual([null, null, null]);
    const tags = async (teamId: string, id: string) => (await getPhotoDetail(teamId, id)).effective.tags;
    expect(await tags(a.team.id, trio)).toEqual([]);
    await scanPendingFaces(scanner, { setId: a.set.id });
    expect([await category(person), await category(cup), await category(trio)]).toEqual(["people", null, "people"]);
    expect([await tags(a.team.id, person), await tags(a.team.id, cup), await tags(a.team.id, trio)]).toEqual([[], [], ["group"]]);
    // The tag filter and the search find the group by its tag.
    const ids = async (q: Record<string, string>) => (await listPhotos(a.team.id, a.set.id, photoQuerySchema.parse(q))).items.map((i) => i.id);
    expect(await ids({ tag: "group" })).toEqual([trio]);
    expect(await ids({ q: "group" })).toEqual([trio]);
    // An album shows the same category as the results and the photo page.
    expect((await getPhotoDetail(a.team.id, person)).effective.category).toBe("people");
    const album = await createAlbum(a.team.id, createAlbumSchema.parse({ name: "mixed", setId: a.set.id, photoIds: [person, cup, trio] }));
    const inAlbum = new Map((await getAlbum(a.team.id, album.id)).photos.map((p) => [p.id, p.category]));
    expect([inAlbum.get(person), inAlbum.get(cup), inAlbum.get(trio)]).toEqual(["people", null, "people"]);
    // Faces first, then the local analysis.
    const b = await teamWithSet();
    const group = await add(b.team.id, b.set.id, "five-gravel.jpg");
    const one = await add(b.team.id, b.set.id, "astronaut.jpg");
    await processPendingPhotos({ setId: b.set.id });
    await scanPendingFaces(scanner, { setId: b.set.id });
    await runAnalysis({ setId: b.set.id, config, shared: null });
    expect([await category(group), await category(one)]).toEqual(["people", "people"]);
    expect((await db().photo.findUniqueOrThrow({ where: { id: group } })).faceCount).toBe(5);
    expect([await tags(b.team.id, group), await tags(b.team.id, one)]).toEqual([["group"], []]);
  });

  it("a burst shot with shut eyes loses the keeper and Best picks to its twin with open eyes, though it scored higher", async () => {
    const { team, set } = await teamWithSet();
    const open = await add(team.id, set.id, "astronaut.jpg");
    const shut = await add(team.id, set.id, "astronaut-eyes-shut.jpg");
    await processPendingPhotos({ setId: set.id });
    const group = (await db().photo.findUniqueOrThrow({ where: { id: open } })).duplicateGroupId;
    expect(group).not.toBeNull();
    expect((await db().photo.findUniqueOrThrow({ where: { id: shut } })).duplicateGroupId).toBe(group);
    await db().photo.update({ where: { id: open }, data: { state: "ANALYZED", instagramScore: 7.5, qualityScore: 7.5, category: "portrait" } });
    await db().photo.update({ where: { id: shut }, data: { state: "ANALYZED", instagramScore: 8, qualityScore: 8, category: "portrait" } });
    await scanPendingFaces(scanner, { setId: set.id });
    await refreshSetOrganization(set.id);
    expect((await db().duplicateGroup.findUniqueOrThrow({ where: { id: group! } })).keeperPhotoId).toBe(open);
    const best = await db().album.findFirstOrThrow({ where: { setId: set.id, kind: "BEST" }, include: { photos: true } });
    expect(best.photos.map((p) => p.photoId)).toEqual([open]);
  });

  it("exports and album grids crop around the faces, and exports list the people and face problems", async () => {
    const { team, set } = await teamWithSet();
    const id = await add(team.id, set.id, "edge-left-wide.jpg");
    await processPendingPhotos({ setId: set.id });
    await runAnalysis({ setId: set.id, config: resolveConfig({ env: { AI_PROVIDER: "local" } }), shared: null });
    await scanPendingFaces(scanner, { setId: set.id });
    const rows = await db().photo.findMany({ where: { id }, select: exportPhotoSelect });
    const face = (rows[0]!.faceScan!.faces as { box: { x: number; y: number; width: number; height: number } }[])[0]!.box;
    for (const ratio of ["4:5", "3:4", "1:1", "1.91:1"] as const) {
      const [photo] = toExportPhotos(rows, ratio);
      // The local provider's centred crop would start far right of the face at the left edge.
      expect(photo!.crop!.x, ratio).toBeLessThanOrEqual(face.x);
      expect(photo!.crop!.x + photo!.crop!.width, ratio).toBeGreaterThanOrEqual(face.x + face.width);
      expect(photo).toMatchObject({ faceCount: 1, faceProblems: [] });
    }
    // The album's profile-grid tile (3:4) and 4:5 crop keep the face too.
    const album = await createAlbum(team.id, createAlbumSchema.parse({ name: "edge", setId: set.id, photoIds: [id] }));
    const [tile] = (await getAlbum(team.id, album.id)).photos;
    for (const box of [tile!.grid34!, tile!.crop45!]) {
      expect(box.x).toBeLessThanOrEqual(face.x);
      expect(box.x + box.width).toBeGreaterThanOrEqual(face.x + face.width);
    }
  });

  it("filters the results by people: with, without, groups of 3 or more, and with face problems", async () => {
    const { team, set } = await teamWithSet();
    const person = await add(team.id, set.id, "astronaut.jpg");
    const shut = await add(team.id, set.id, "trio-grass.jpg");
    const none = await add(team.id, set.id, "none-coffee.jpg");
    await processPendingPhotos({ setId: set.id });
    await scanPendingFaces(scanner, { setId: set.id });
    const ids = async (people: string) => (await listPhotos(team.id, set.id, photoQuerySchema.parse({ people, sort: "name" }))).items.map((i) => i.id).sort();
    expect(await ids("with")).toEqual([person, shut].sort());
    expect(await ids("without")).toEqual([none]);
    expect(await ids("problems")).toEqual([shut]);
    expect(await ids("groups")).toEqual([shut]);
    const all = (await listPhotos(team.id, set.id, photoQuerySchema.parse({}))).items;
    expect(all.find((i) => i.id === shut)).toMatchObject({ faceCount: 3, faceProblems: ["eyes closed in 1 of 3 faces"] });
    expect(all.find((i) => i.id === none)).toMatchObject({ faceCount: 0, faceProblems: [] });
  });
});
