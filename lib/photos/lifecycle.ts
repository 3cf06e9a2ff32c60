// The photo lifecycle: every write of a photo's state (and of the columns that
// travel with it: stateReason, failedStage, preparedAt, attempts, the lease)
// is one of the named transitions below. The image pipeline, the analysis
// queue and writer, and a person's buttons call these; nothing else writes
// Photo.state (test/unit/architecture-photo-lifecycle.test.ts keeps it so).
// docs/architecture.md draws the diagram.
//
// Stages are recorded, not inferred: preparedAt is set when the pipeline has
// made the analysis image and the thumbnail, and failedStage says where a
// FAILED photo failed (PIPELINE: nothing to analyse or show; ANALYSIS: prepared,
// the answer was unusable). Both are null otherwise.
import { db, Prisma, type PhotoState } from "@/lib/db";

/** Every transition, for the diagram and the test that keeps the two together. */
export const TRANSITIONS = {
  uploaded: { from: [], to: "UPLOADED" },
  claimedForPipeline: { from: ["UPLOADED", "PROCESSING"], to: "PROCESSING" },
  crashedInPipeline: { from: ["UPLOADED", "PROCESSING"], to: "FAILED" },
  prepared: { from: ["PROCESSING"], to: "QUEUED" },
  failedInPipeline: { from: ["PROCESSING"], to: "FAILED" },
  claimedForAnalysis: { from: ["QUEUED", "ANALYZING"], to: "ANALYZING" },
  released: { from: ["ANALYZING"], to: "QUEUED" },
  analysed: { from: ["ANALYZING"], to: "ANALYZED" },
  skipped: { from: ["ANALYZING"], to: "SKIPPED" },
  failedAnalysis: { from: ["ANALYZING"], to: "FAILED" },
  analyseAnyway: { from: ["SKIPPED"], to: "QUEUED" },
  retriedInPipeline: { from: ["FAILED"], to: "UPLOADED" },
  retriedAnalysis: { from: ["FAILED"], to: "QUEUED" },
  requeuedForRerun: { from: ["ANALYZED", "FAILED"], to: "QUEUED" },
  requeued: { from: ["ANALYZED", "SKIPPED", "FAILED", "QUEUED"], to: "QUEUED" },
} as const satisfies Record<string, { from: readonly PhotoState[]; to: PhotoState }>;

// ---- Reading the stages ------------------------------------------------------

/** Photos the pipeline has prepared: they have an analysis image and a thumbnail. */
export const PREPARED = { preparedAt: { not: null } } as const satisfies Prisma.PhotoWhereInput;
/** Photos the image pipeline gave up on (refused for their content, or crashed on them). */
export const FAILED_IN_PIPELINE = { state: "FAILED", failedStage: "PIPELINE" } as const satisfies Prisma.PhotoWhereInput;
/** Prepared photos whose analysis failed. */
export const FAILED_IN_ANALYSIS = { state: "FAILED", failedStage: "ANALYSIS" } as const satisfies Prisma.PhotoWhereInput;
/** Failed photos "Retry failed" can help: everything FAILED except files the pipeline refused for their content. */
export const RETRYABLE_FAILED = { state: "FAILED", unreadable: false } as const satisfies Prisma.PhotoWhereInput;

/** True once the pipeline has prepared the photo (its thumbnail and analysis image exist). */
export function isPrepared(p: { preparedAt: Date | null }): boolean {
  return p.preparedAt !== null;
}

/** True for a photo the image pipeline gave up on: there is no image to analyse, show or export. */
export function isFailedInPipeline(p: { state: PhotoState; failedStage: string | null }): boolean {
  return p.state === "FAILED" && p.failedStage === "PIPELINE";
}

// ---- The image pipeline (lib/images/pipeline.ts) ---------------------------------

export interface PipelineClaim {
  id: string;
  contentHash: string;
  /** Claims so far, this one included. */
  attempts: number;
}

/**
 * claimedForPipeline, or crashedInPipeline: leases the next UPLOADED photo (or a
 * PROCESSING one whose lease ran out: its worker died) with FOR UPDATE SKIP
 * LOCKED. A photo claimed maxAttempts times already whose lease ran out never
 * finished any of those tries (a finished try leaves PROCESSING, a failed one
 * is FAILED at the last attempt): its workers died on it, so it is FAILED here,
 * in the same statement, instead of being handed out again.
 */
export async function claimForPipeline(
  owner: string,
  setId: string | undefined,
  leaseMs: number,
  maxAttempts: number,
): Promise<PipelineClaim | { crashed: PipelineClaim } | null> {
  const rows = await db().$queryRaw<(PipelineClaim & { state: string })[]>`
    WITH next AS (
      SELECT id, attempts >= ${maxAttempts} AS "givenUp" FROM "Photo"
      WHERE (state = 'UPLOADED' OR (state = 'PROCESSING' AND "leaseExpiresAt" < now()))
        AND (${setId ?? null}::text IS NULL OR "setId" = ${setId ?? null}::text)
      ORDER BY "createdAt" LIMIT 1
      FOR UPDATE SKIP LOCKED)
    UPDATE "Photo" p SET
      state = CASE WHEN next."givenUp" THEN 'FAILED'::"PhotoState" ELSE 'PROCESSING'::"PhotoState" END,
      "failedStage" = CASE WHEN next."givenUp" THEN 'PIPELINE'::"PhotoStage" ELSE NULL END,
      "stateReason" = CASE WHEN next."givenUp"
        THEN 'Processing crashed ' || p.attempts || ' times (the worker died or lost its lease while handling this photo); it is not tried again.'
        ELSE p."stateReason" END,
      "leaseOwner" = CASE WHEN next."givenUp" THEN NULL ELSE ${owner} END,
      "leaseExpiresAt" = CASE WHEN next."givenUp" THEN NULL ELSE now() + (${Math.round(leaseMs)}::int * interval '1 millisecond') END,
      attempts = CASE WHEN next."givenUp" THEN p.attempts ELSE p.attempts + 1 END,
      "updatedAt" = now()
    FROM next WHERE p.id = next.id
    RETURNING p.id, p."contentHash", p.attempts, p.state::text AS state`;
  const row = rows[0];
  if (!row) return null;
  const claim = { id: row.id, contentHash: row.contentHash, attempts: row.attempts };
  return row.state === "FAILED" ? { crashed: claim } : claim;
}

/** What the pipeline measured and read; written with the prepared transition. */
export type PreparedFacts = Pick<
  Prisma.PhotoUpdateManyMutationInput,
  | "width" | "height" | "aspect" | "phash" | "sharpness" | "brightness" | "dominantColors" | "takenAt"
  | "cameraMake" | "cameraModel" | "lens" | "gpsLat" | "gpsLon" | "exif" | "measuredVersion"
> & { width: number; height: number; measuredVersion: number };

const holding = (id: string, owner: string) => ({ id, leaseOwner: owner, state: "PROCESSING" as const });

/** prepared: PROCESSING -> QUEUED with the image facts. False when the lease was lost (another worker has it). */
export async function prepared(id: string, owner: string, facts: PreparedFacts): Promise<boolean> {
  const r = await db().photo.updateMany({
    where: holding(id, owner),
    data: { ...facts, state: "QUEUED", failedStage: null, preparedAt: new Date(), stateReason: null, unreadable: false, leaseOwner: null, leaseExpiresAt: null },
  });
  return r.count === 1;
}

/**
 * failedInPipeline: PROCESSING -> FAILED. `unreadable` when it was refused for its
 * content (the same bytes fail again, so "Retry failed" leaves it). False when the lease was lost.
 */
export async function failedInPipeline(id: string, owner: string, reason: string, unreadable: boolean): Promise<boolean> {
  const r = await db().photo.updateMany({
    where: holding(id, owner),
    data: { state: "FAILED", failedStage: "PIPELINE", stateReason: reason, unreadable, leaseOwner: null, leaseExpiresAt: null },
  });
  return r.count === 1;
}

/** A passing fault (database, disk): the photo stays PROCESSING and ours, its lease running out in `retryInMs`. */
export async function pipelineRetryLater(id: string, owner: string, retryInMs: number): Promise<void> {
  await db().photo.updateMany({
    where: holding(id, owner),
    data: { leaseExpiresAt: new Date(Date.now() + retryInMs), stateReason: "Retrying after an error" },
  });
}

// ---- The analysis queue and writer (lib/analysis) ---------------------------------

export interface AnalysisClaim {
  id: string;
  setId: string;
  teamId: string;
  contentHash: string;
  width: number | null;
  height: number | null;
  sharpness: number | null;
  brightness: number | null;
  /** Faces the face stage found (null: not scanned yet). */
  faceCount: number | null;
  duplicateGroupId: string | null;
  keeperPhotoId: string | null;
  forceAnalyze: boolean;
  analysisId: string | null;
}

export interface AnalysisScope {
  setId?: string;
  teamId?: string;
}

/**
 * claimedForAnalysis: QUEUED photos (or ANALYZING ones whose lease expired: their
 * worker died) of sets that are not paused or cancelled, locked with FOR UPDATE
 * SKIP LOCKED so concurrent workers never get the same photo, become ANALYZING
 * under our lease. One statement.
 */
export async function claimForAnalysis(scope: AnalysisScope, owner: string, limit: number, leaseMs: number): Promise<AnalysisClaim[]> {
  if (limit <= 0) return [];
  return db().$queryRawUnsafe<AnalysisClaim[]>(
    `WITH c AS (
       SELECT p.id, g."keeperPhotoId"
       FROM "Photo" p
       JOIN "PhotoSet" s ON s.id = p."setId"
       LEFT JOIN "DuplicateGroup" g ON g.id = p."duplicateGroupId"
       WHERE (p.state = 'QUEUED' OR (p.state = 'ANALYZING' AND p."leaseExpiresAt" < now()))
         AND s.status NOT IN ('PAUSED', 'CANCELLED')
         AND ($1::text IS NULL OR p."setId" = $1)
         AND ($2::text IS NULL OR p."teamId" = $2)
       ORDER BY p."createdAt", p.id
       LIMIT $3
       FOR UPDATE OF p SKIP LOCKED
     )
     UPDATE "Photo" p
        SET state = 'ANALYZING', "leaseOwner" = $4,
            "leaseExpiresAt" = now() + ($5::int * interval '1 millisecond'),
            attempts = p.attempts + 1, "updatedAt" = now()
       FROM c
      WHERE p.id = c.id
     RETURNING p.id, p."setId", p."teamId", p."contentHash", p.width, p.height, p.sharpness, p.brightness, p."faceCount",
               p."duplicateGroupId", c."keeperPhotoId", p."forceAnalyze", p."analysisId"`,
    scope.setId ?? null,
    scope.teamId ?? null,
    limit,
    owner,
    Math.round(leaseMs),
  );
}

/** released: photos we hold go back to the queue (cancel, pause, shutdown); no attempt is lost. */
export async function released(owner: string, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  return db().$executeRawUnsafe(
    `UPDATE "Photo" SET state = 'QUEUED', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
      WHERE "leaseOwner" = $1 AND state = 'ANALYZING' AND ($2::text[] IS NULL OR id = ANY($2::text[]))`,
    owner,
    ids ?? null,
  );
}

export interface AnalysedRow {
  id: string;
  /** The AnalysisCache row. */
  aid: string;
  category: string | null;
  q: number | null;
  i: number | null;
}

/**
 * analysed: -> ANALYZED, linked to its cache row, with the columns lists sort and
 * filter on. Local measurements name no category, but faces found on the machine
 * do: "people" (the face stage sets the same when its scan comes second).
 * Returns the sets of the photos written.
 */
export async function analysed(rows: AnalysedRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = await db().$queryRawUnsafe<{ setId: string }[]>(
    `UPDATE "Photo" p
        SET state = 'ANALYZED', "analysisId" = v.aid, category = COALESCE(v.category, CASE WHEN p."faceCount" > 0 THEN 'people' END), "qualityScore" = v.q,
            "instagramScore" = v.i, "stateReason" = NULL, "skipReason" = NULL, "forceAnalyze" = false, "failedStage" = NULL,
            "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, aid text, category text, q float8, i float8)
      WHERE p.id = v.id
  RETURNING p."setId"`,
    JSON.stringify(rows),
  );
  return written.map((r) => r.setId);
}

export interface EndedRow {
  id: string;
  /** failedAnalysis (FAILED) or skipped (SKIPPED, by fast mode). */
  state: "FAILED" | "SKIPPED";
  reason: string;
}

/** failedAnalysis and skipped, in one statement for a batch. Returns the sets of the photos written. */
export async function analysisEnded(rows: EndedRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = await db().$queryRawUnsafe<{ setId: string }[]>(
    `UPDATE "Photo" p
        SET state = v.state::"PhotoState",
            "failedStage" = CASE WHEN v.state = 'FAILED' THEN 'ANALYSIS'::"PhotoStage" ELSE NULL END,
            "stateReason" = CASE WHEN v.state = 'FAILED' THEN v.reason ELSE NULL END,
            "skipReason" = CASE WHEN v.state = 'SKIPPED' THEN v.reason ELSE NULL END,
            "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(id text, state text, reason text)
      WHERE p.id = v.id
  RETURNING p."setId"`,
    JSON.stringify(rows),
  );
  return written.map((r) => r.setId);
}

// ---- A person's buttons: retry, re-run, analyse anyway, re-analyse --------------------

/**
 * analyseAnyway: photos fast mode skipped (all of the set's, or the given ones)
 * go back to the queue with forceAnalyze set, so fast mode lets them through.
 */
export async function analyseAnyway(setId: string, photoIds?: string[]): Promise<number> {
  const r = await db().photo.updateMany({
    where: { setId, state: "SKIPPED", ...(photoIds ? { id: { in: photoIds } } : {}) },
    data: { state: "QUEUED", forceAnalyze: true, skipReason: null },
  });
  return r.count;
}

/**
 * "Retry failed": each photo goes back to the stage it failed in -
 * retriedInPipeline (FAILED in the pipeline -> UPLOADED; in the analysis queue it
 * could only fail again) and retriedAnalysis (FAILED in analysis -> QUEUED). A
 * file the pipeline refused for its content stays failed (see RETRYABLE_FAILED).
 */
export async function retryFailed(setId: string): Promise<{ images: number; analyses: number }> {
  const [images, analyses] = await db().$transaction([
    db().photo.updateMany({
      where: { setId, ...RETRYABLE_FAILED, failedStage: "PIPELINE" },
      data: { state: "UPLOADED", failedStage: null, stateReason: null, attempts: 0, leaseOwner: null, leaseExpiresAt: null },
    }),
    db().photo.updateMany({
      where: { setId, ...RETRYABLE_FAILED, failedStage: "ANALYSIS" },
      data: { state: "QUEUED", failedStage: null, stateReason: null, attempts: 0 },
    }),
  ]);
  return { images: images.count, analyses: analyses.count };
}

/** requeuedForRerun: the set's analysed photos and those whose analysis failed go back to the queue. */
export async function requeueForRerun(setId: string): Promise<number> {
  const r = await db().photo.updateMany({
    where: { setId, OR: [{ state: "ANALYZED" }, FAILED_IN_ANALYSIS] },
    data: { state: "QUEUED", failedStage: null, stateReason: null, attempts: 0 },
  });
  return r.count;
}

/**
 * requeued ("Re-analyse"): the team's given photos that are prepared and not in
 * a worker's hands go back to the queue with forceAnalyze, so fast mode lets
 * them through and the engine asks the model again. A person's edits stay.
 * Returns how many were queued.
 */
export async function requeue(teamId: string, photoIds: string[]): Promise<number> {
  const r = await db().photo.updateMany({
    where: { id: { in: photoIds }, teamId, state: { in: [...TRANSITIONS.requeued.from] }, ...PREPARED },
    data: { state: "QUEUED", failedStage: null, stateReason: null, skipReason: null, attempts: 0, forceAnalyze: true },
  });
  return r.count;
}
