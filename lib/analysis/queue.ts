// The photo's state is the queue. Claiming is one statement: pick QUEUED photos
// (or ANALYZING ones whose lease expired: their worker died) of sets that are
// not paused or cancelled, lock them with FOR UPDATE SKIP LOCKED so concurrent
// workers never get the same photo, and mark them ANALYZING with our lease.
import { db } from "@/lib/db";

export interface ClaimedPhoto {
  id: string;
  setId: string;
  teamId: string;
  contentHash: string;
  width: number | null;
  height: number | null;
  sharpness: number | null;
  brightness: number | null;
  duplicateGroupId: string | null;
  keeperPhotoId: string | null;
  forceAnalyze: boolean;
  analysisId: string | null;
}

export interface Scope {
  setId?: string;
  teamId?: string;
}

export async function claimPhotos(scope: Scope, owner: string, limit: number, leaseMs: number): Promise<ClaimedPhoto[]> {
  if (limit <= 0) return [];
  return db().$queryRawUnsafe<ClaimedPhoto[]>(
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
     RETURNING p.id, p."setId", p."teamId", p."contentHash", p.width, p.height, p.sharpness, p.brightness,
               p."duplicateGroupId", c."keeperPhotoId", p."forceAnalyze", p."analysisId"`,
    scope.setId ?? null,
    scope.teamId ?? null,
    limit,
    owner,
    Math.round(leaseMs),
  );
}

/** Extends every lease we hold; one statement for all of them. */
export async function renewLeases(owner: string, leaseMs: number): Promise<number> {
  return db().$executeRawUnsafe(
    `UPDATE "Photo" SET "leaseExpiresAt" = now() + ($2::int * interval '1 millisecond')
      WHERE "leaseOwner" = $1 AND state = 'ANALYZING'`,
    owner,
    Math.round(leaseMs),
  );
}

/** Gives photos back to the queue (cancel/pause/shutdown): no attempt is lost. */
export async function releasePhotos(owner: string, ids?: string[]): Promise<number> {
  if (ids && ids.length === 0) return 0;
  return db().$executeRawUnsafe(
    `UPDATE "Photo" SET state = 'QUEUED', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
      WHERE "leaseOwner" = $1 AND state = 'ANALYZING' AND ($2::text[] IS NULL OR id = ANY($2::text[]))`,
    owner,
    ids ?? null,
  );
}

/** Photos in scope that are still waiting or being analysed (by anyone). */
export async function remainingInScope(scope: Scope): Promise<{ queued: number; analyzing: number }> {
  const rows = await db().$queryRawUnsafe<{ state: string; n: bigint | number }[]>(
    `SELECT p.state, count(*) AS n FROM "Photo" p JOIN "PhotoSet" s ON s.id = p."setId"
      WHERE p.state IN ('QUEUED', 'ANALYZING') AND s.status NOT IN ('PAUSED', 'CANCELLED')
        AND ($1::text IS NULL OR p."setId" = $1) AND ($2::text IS NULL OR p."teamId" = $2)
      GROUP BY p.state`,
    scope.setId ?? null,
    scope.teamId ?? null,
  );
  const get = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
  return { queued: get("QUEUED"), analyzing: get("ANALYZING") };
}
