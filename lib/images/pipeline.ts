// The image worker: takes photos whose state is UPLOADED (or PROCESSING with an
// expired lease, i.e. a crashed worker), leases them with FOR UPDATE SKIP
// LOCKED, runs processImage, stores the derived files, fills the photo's image
// columns and hands it to the analysis queue (QUEUED), or marks it FAILED with
// a readable reason. Per-photo work is idempotent: a retry redoes it whole.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { storage } from "@/lib/storage";
import { groupNearDuplicates } from "./duplicates";
import { ImageError } from "./errors";
import { processImage } from "./process";
import { waitForUpload } from "./wake";

export { ingestFile, type IngestInput, type IngestResult } from "./ingest";
export { receiveUpload, type UploadResult } from "./upload";

const LEASE_SECONDS = 300;
const MAX_ATTEMPTS = 3;
const POLL_MS = 2000;

interface Claimed {
  id: string;
  contentHash: string;
  attempts: number;
}

async function claimOne(owner: string, setId: string | undefined): Promise<Claimed | null> {
  const rows = await db().$queryRaw<Claimed[]>`
    UPDATE "Photo" SET state = 'PROCESSING', "leaseOwner" = ${owner},
      "leaseExpiresAt" = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = attempts + 1, "updatedAt" = now()
    WHERE id = (
      SELECT id FROM "Photo"
      WHERE (state = 'UPLOADED' OR (state = 'PROCESSING' AND "leaseExpiresAt" < now()))
        AND (${setId ?? null}::text IS NULL OR "setId" = ${setId ?? null}::text)
      ORDER BY "createdAt" LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING id, "contentHash", attempts`;
  return rows[0] ?? null;
}

/** True when the photo is finished (QUEUED or FAILED), false when it will be retried. */
async function processOne(photo: Claimed, owner: string): Promise<boolean> {
  const mine = { id: photo.id, leaseOwner: owner, state: "PROCESSING" as const };
  try {
    const store = storage();
    const r = await processImage(await store.get(photo.contentHash, "original"));
    await Promise.all([
      store.put(photo.contentHash, "analysis", r.analysisJpeg),
      store.put(photo.contentHash, "thumb", r.thumbnailWebp),
    ]);
    const updated = await db().photo.updateMany({
      where: mine,
      data: {
        state: "QUEUED",
        stateReason: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        width: r.width,
        height: r.height,
        aspect: r.aspect,
        phash: r.phash,
        sharpness: r.sharpness,
        brightness: r.brightness,
        dominantColors: r.dominantColors,
        takenAt: r.exif.takenAt ?? null,
        cameraMake: r.exif.cameraMake ?? null,
        cameraModel: r.exif.cameraModel ?? null,
        lens: r.exif.lens ?? null,
        gpsLat: r.exif.gpsLat ?? null,
        gpsLon: r.exif.gpsLon ?? null,
        exif: { ...r.exif, takenAt: r.exif.takenAt?.toISOString(), format: r.format },
      },
    });
    if (updated.count === 1) await groupNearDuplicates(photo.id);
    return true;
  } catch (err) {
    if (err instanceof ImageError || photo.attempts >= MAX_ATTEMPTS) {
      const reason = err instanceof ImageError ? err.message : `Processing failed ${photo.attempts} times: ${String(err)}`;
      await db().photo.updateMany({ where: mine, data: { state: "FAILED", stateReason: reason, leaseOwner: null, leaseExpiresAt: null } });
      return true;
    }
    // A passing fault (database, disk): keep the lease but let it expire soon, so another try comes later.
    console.error(`[images] photo ${photo.id} attempt ${photo.attempts} failed, will retry`, err);
    await db().photo.updateMany({
      where: mine,
      data: { leaseExpiresAt: new Date(Date.now() + 10_000 * photo.attempts), stateReason: "Retrying after an error" },
    });
    return false;
  }
}

/**
 * Processes waiting photos (optionally of one set) until none are left, `limit`
 * are done or the signal aborts; one photo per core at a time. Returns how many
 * photos were finished (QUEUED or FAILED). Safe to run in several processes.
 */
export async function processPendingPhotos(opts: { setId?: string; limit?: number; signal?: AbortSignal } = {}): Promise<number> {
  const owner = `img-${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const limit = opts.limit ?? Infinity;
  let claimed = 0;
  let finished = 0;
  const lane = async (): Promise<void> => {
    while (!opts.signal?.aborted && claimed < limit) {
      claimed++; // reserved before the await, so lanes never overshoot the limit
      const photo = await claimOne(owner, opts.setId);
      if (!photo) {
        claimed--;
        return;
      }
      if (await processOne(photo, owner)) finished++;
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, lane));
  return finished;
}

/** The in-server background loop; the returned function stops it and waits for the photo in hand. */
export function startImageWorker(): () => Promise<void> {
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await processPendingPhotos({ signal: stop.signal });
      } catch (err) {
        console.error("[images] worker pass failed; retrying", err);
      }
      await waitForUpload(POLL_MS, stop.signal);
    }
  })();
  return async () => {
    stop.abort();
    await loop;
  };
}
