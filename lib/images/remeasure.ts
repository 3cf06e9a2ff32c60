// Sharpness moved to a new scale (docs/decisions/010). The migration that came
// with it cleared the values measured on the old scale, since the two cannot be
// compared or converted; this re-measures them from the stored originals with
// the pipeline's own code, one content at a time, when the image worker has no
// upload to handle. A prepared photo measured by an older version of the
// pipeline (Photo.measuredVersion < MEASUREMENT_VERSION; migration
// 20261205121000 set 1 where sharpness had been cleared) is what is left to do,
// so one pass over the table (in id order, on the primary key) is the whole job
// for the life of the process. One whose original cannot be read keeps its old
// version and no sharpness.
import { db } from "@/lib/db";
import { storage } from "@/lib/storage";
import { MEASUREMENT_VERSION } from "./measurement-version";
import { processImage } from "./process";

export interface SharpnessRemeasure {
  /** Re-measures one content (every photo of it); false when nothing is left. */
  next(): Promise<boolean>;
}

export function createSharpnessRemeasure(opts: { setId?: string } = {}): SharpnessRemeasure {
  let cursor = "";
  let done = false;
  let measured = 0;
  let unreadable = 0;
  // Lanes call next() concurrently; taking the next photo is serialised so no two measure the same one.
  let taking: Promise<unknown> = Promise.resolve();
  const take = (): Promise<{ id: string; contentHash: string } | undefined> => {
    const t = taking.then(async () => {
      if (done) return undefined;
      const photo = await nextWithoutSharpness(cursor, opts.setId);
      if (!photo) {
        done = true;
        if (measured + unreadable > 0) {
          console.log(`[images] re-measured the sharpness of ${measured} photo content(s) on the new scale; ${unreadable} could not be read and keep none`);
        }
        return undefined;
      }
      cursor = photo.id;
      return photo;
    });
    taking = t.catch(() => undefined);
    return t;
  };
  return {
    async next() {
      const photo = await take();
      if (!photo) return false;
      let sharpness: number;
      try {
        // The original gone or no longer decodable: passed over, the photo keeps no sharpness.
        ({ sharpness } = await processImage(await storage().get(photo.contentHash, "original")));
      } catch {
        unreadable++;
        return true;
      }
      try {
        await db().$executeRaw`
          UPDATE "Photo" SET sharpness = ${sharpness}, "measuredVersion" = ${MEASUREMENT_VERSION}
           WHERE "contentHash" = ${photo.contentHash} AND "measuredVersion" < ${MEASUREMENT_VERSION} AND "preparedAt" IS NOT NULL`;
      } catch (err) {
        cursor = ""; // the database failed, not the photo: the pass starts over and takes it again
        throw err;
      }
      measured++;
      return true;
    },
  };
}

async function nextWithoutSharpness(after: string, setId: string | undefined): Promise<{ id: string; contentHash: string } | undefined> {
  // Prepared photos only (preparedAt), measured by an older version of the pipeline.
  const rows = await db().$queryRaw<{ id: string; contentHash: string }[]>`
    SELECT id, "contentHash" FROM "Photo"
     WHERE id > ${after} AND "measuredVersion" < ${MEASUREMENT_VERSION} AND "preparedAt" IS NOT NULL AND state NOT IN ('UPLOADED', 'PROCESSING')
       AND (${setId ?? null}::text IS NULL OR "setId" = ${setId ?? null})
     ORDER BY id
     LIMIT 1`;
  return rows[0];
}
