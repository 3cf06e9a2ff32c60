// Sharpness values from before the new scale are cleared by a migration and
// re-measured from the originals by the image worker's idle lanes: the value
// is exactly what the pipeline gives a new upload, every photo of the content
// gets it, and what cannot be re-measured stays unmeasured instead of stalling
// the pass.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { MIGRATIONS_DIR } from "@/lib/db/migrate";
import { ingestFile, processPendingPhotos } from "@/lib/images/pipeline";
import { createSharpnessRemeasure } from "@/lib/images/remeasure";
import { storage } from "@/lib/storage";
import { detailedJpeg } from "@/test/helpers/images";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

it("the migration clears only sharpness, and an idle pass re-measures it from the originals as the pipeline would", async () => {
  const sql = await readFile(path.join(MIGRATIONS_DIR, "20261127190000_sharpness_new_scale", "migration.sql"), "utf8");
  expect(sql.replace(/--.*\n/g, "").trim()).toBe(`UPDATE "Photo" SET "sharpness" = NULL WHERE "sharpness" IS NOT NULL;`);

  const a = await teamWithSet();
  const b = await teamWithSet();
  const crisp = await detailedJpeg(601);
  const blurred = await detailedJpeg(602, 2);
  const lost = await detailedJpeg(603);
  const add = async (t: typeof a, name: string, buffer: Buffer) =>
    (await ingestFile({ teamId: t.team.id, setId: t.set.id, originalName: name, buffer })).photoId;
  const ids = { crisp: await add(a, "crisp.jpg", crisp), blurred: await add(a, "blurred.jpg", blurred), lost: await add(a, "lost.jpg", lost) };
  const sameContentElsewhere = await add(b, "crisp-copy.jpg", crisp);
  expect(await processPendingPhotos({ setId: a.set.id })).toBe(3);
  expect(await processPendingPhotos({ setId: b.set.id })).toBe(1);
  const notPrepared = await add(a, "later.jpg", await detailedJpeg(604)); // still UPLOADED: nothing to re-measure

  const before = new Map((await db().photo.findMany({ where: { id: { in: Object.values(ids) } } })).map((p) => [p.id, p.sharpness]));
  expect(before.get(ids.crisp)).toBeGreaterThan(4 * before.get(ids.blurred)!);

  // What the migration does to a database from before the new scale (here only to these photos).
  const mine = [...Object.values(ids), sameContentElsewhere, notPrepared];
  await db().photo.updateMany({ where: { id: { in: mine } }, data: { sharpness: null, measuredVersion: 1 } });
  const lostPhoto = await db().photo.findUniqueOrThrow({ where: { id: ids.lost } });
  await storage().delete(lostPhoto.contentHash, "original");

  // Two lanes, as the in-server worker runs them, until the pass is over.
  const remeasure = createSharpnessRemeasure({ setId: a.set.id });
  let steps = 0;
  const lane = async () => {
    while (await remeasure.next()) steps++;
  };
  await Promise.all([lane(), lane()]);
  expect(steps).toBe(3); // crisp, blurred, lost: each taken once
  expect(await remeasure.next()).toBe(false);

  const after = new Map((await db().photo.findMany({ where: { id: { in: mine } } })).map((p) => [p.id, p.sharpness]));
  expect(after.get(ids.crisp)).toBe(before.get(ids.crisp));
  expect(after.get(ids.blurred)).toBe(before.get(ids.blurred));
  expect(after.get(sameContentElsewhere)).toBe(before.get(ids.crisp)); // same content, another team's set
  expect(after.get(ids.lost)).toBeNull();
  expect(after.get(notPrepared)).toBeNull();
});
