// The image worker: takes photos whose state is UPLOADED (or PROCESSING with an
// expired lease, i.e. a crashed worker), leases them with FOR UPDATE SKIP
// LOCKED, runs processImage, stores the derived files, fills the photo's image
// columns and hands it to the analysis queue (QUEUED), or marks it FAILED with
// a readable reason. Per-photo work is idempotent: a retry redoes it whole.
// Every claim counts as an attempt, so a photo that kills its worker (a native
// crash or an OOM kill mid-decode) is given up after MAX_ATTEMPTS claims
// instead of being taken again after every lease expiry forever.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { dropFromAlbums } from "@/lib/organize";
import { claimForPipeline, failedInPipeline, pipelineRetryLater, prepared, type PipelineClaim } from "@/lib/photos";
import { reclaimContent, storage } from "@/lib/storage";
import { groupNearDuplicates } from "./duplicates";
import { ImageError } from "./errors";
import { MEASUREMENT_VERSION } from "./measurement-version";
import { processImage } from "./process";
import { createSharpnessRemeasure } from "./remeasure";
import { waitForUpload } from "./wake";

export { ingestFile } from "./ingest";
export { receiveUpload } from "./upload";

export const MAX_ATTEMPTS = 3;
const POLL_MS = 2000;

type Claimed = PipelineClaim;

/** Leases the next waiting photo (lib/photos/lifecycle.ts: claimedForPipeline, or crashedInPipeline). */
async function claimOne(owner: string, setId: string | undefined, leaseMs: number): Promise<Claimed | { crashed: string } | null> {
  const claim = await claimForPipeline(owner, setId, leaseMs, MAX_ATTEMPTS);
  if (claim && "crashed" in claim) {
    console.error(`[images] photo ${claim.crashed.id}: ${claim.crashed.attempts} claims never finished; marked FAILED`);
    return { crashed: claim.crashed.id };
  }
  return claim;
}

/**
 * Renews the photo's lease (every leaseMs / 3, on the database's clock) while it
 * is being processed, so a slow decode keeps its photo and a dead process
 * loses it within leaseMs. stop() waits for a renewal in flight, so none lands
 * after the photo's final write.
 */
function holdLease(id: string, owner: string, leaseMs: number): { stop(): Promise<void> } {
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = db()
      .$executeRaw`UPDATE "Photo" SET "leaseExpiresAt" = now() + (${Math.round(leaseMs)}::int * interval '1 millisecond')
        WHERE id = ${id} AND "leaseOwner" = ${owner} AND state = 'PROCESSING'`
      .catch(() => undefined); // a missed renewal is retried at the next tick
  }, leaseMs / 3);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/** True when the photo is finished (QUEUED or FAILED), false when it will be retried. */
async function processOne(photo: Claimed, owner: string, leaseMs: number): Promise<boolean> {
  const lease = holdLease(photo.id, owner, leaseMs);
  try {
    const store = storage();
    const r = await processImage(await store.get(photo.contentHash, "original"));
    await Promise.all([
      store.put(photo.contentHash, "analysis", r.analysisJpeg),
      store.put(photo.contentHash, "thumb", r.thumbnailWebp),
    ]);
    await lease.stop();
    const isMine = await prepared(photo.id, owner, {
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
      measuredVersion: MEASUREMENT_VERSION,
    });
    if (isMine) await groupNearDuplicates(photo.id);
    return true;
  } catch (err) {
    await lease.stop();
    if (err instanceof ImageError || photo.attempts >= MAX_ATTEMPTS) {
      const reason = err instanceof ImageError ? err.message : `Processing failed ${photo.attempts} times: ${String(err)}`;
      // An ImageError is about the file's content: the same bytes fail again, so "Retry failed" leaves it.
      if (await failedInPipeline(photo.id, owner, reason, err instanceof ImageError)) await afterRefusal(photo, err instanceof ImageError);
      return true;
    }
    // A passing fault (database, disk): keep the lease but let it expire soon, so another try comes later.
    console.error(`[images] photo ${photo.id} attempt ${photo.attempts} failed, will retry`, err);
    await pipelineRetryLater(photo.id, owner, 10_000 * photo.attempts);
    return false;
  }
}

/**
 * A photo the pipeline gave up on leaves every album it was put in while it
 * waited (albums are shared and exported; issue 13, finding 2). One refused for
 * its content also gives its original back: the same bytes would fail again,
 * so nothing will read them (lib/storage/reclaim.ts keeps them while another
 * photo needs them).
 */
async function afterRefusal(photo: { id: string; contentHash?: string }, forContent: boolean): Promise<void> {
  await dropFromAlbums([photo.id]);
  if (forContent && photo.contentHash) await reclaimContent([photo.contentHash]);
}

/** Claims and handles one photo: "idle" when none is waiting, "finished" when it is QUEUED or FAILED, else "retry". */
async function step(owner: string, setId: string | undefined, leaseMs: number): Promise<"idle" | "finished" | "retry"> {
  const photo = await claimOne(owner, setId, leaseMs);
  if (!photo) return "idle";
  if ("crashed" in photo) {
    await afterRefusal({ id: photo.crashed }, false);
    return "finished";
  }
  return (await processOne(photo, owner, leaseMs)) ? "finished" : "retry";
}

const newOwner = () => `img-${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;

/**
 * Processes waiting photos (optionally of one set) until none are left, `limit`
 * are done or the signal aborts; one photo per core at a time. Returns how many
 * photos were finished (QUEUED or FAILED). Safe to run in several processes.
 */
export async function processPendingPhotos(opts: { setId?: string; limit?: number; signal?: AbortSignal } = {}): Promise<number> {
  const owner = newOwner();
  const leaseMs = getEnv().IMAGE_LEASE_MS;
  const limit = opts.limit ?? Infinity;
  let claimed = 0;
  let finished = 0;
  const lane = async (): Promise<void> => {
    while (!opts.signal?.aborted && claimed < limit) {
      claimed++; // reserved before the await, so lanes never overshoot the limit
      const r = await step(owner, opts.setId, leaseMs);
      if (r === "idle") {
        claimed--;
        return;
      }
      if (r === "finished") finished++;
    }
  };
  await Promise.all(Array.from({ length: os.availableParallelism() }, lane));
  return finished;
}

/**
 * The in-server background worker: one lane per core, each taking the next
 * photo as soon as it is free and waiting for an upload (or the next poll)
 * when there is none. Lanes never wait for each other, so one slow or stuck
 * photo holds one lane, not the pipeline. A lane with no upload to handle
 * re-measures old-scale sharpness first (remeasure.ts), one photo between
 * looks at the queue. The returned function stops the lanes and waits for the
 * photos in hand.
 */
export function startImageWorker(): () => Promise<void> {
  const stop = new AbortController();
  const owner = newOwner();
  const leaseMs = getEnv().IMAGE_LEASE_MS;
  const remeasure = createSharpnessRemeasure();
  const lane = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        if ((await step(owner, undefined, leaseMs)) === "idle" && !(await remeasure.next())) await waitForUpload(POLL_MS, stop.signal);
      } catch (err) {
        console.error("[images] worker lane failed; retrying", err);
        await waitForUpload(POLL_MS, stop.signal);
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: os.availableParallelism() }, lane));
  return async () => {
    stop.abort();
    await lanes;
  };
}
