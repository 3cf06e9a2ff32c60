// The photo's state is the queue. Claiming, giving back and the lifecycle's
// other transitions are lib/photos/lifecycle.ts's; this is the analysis
// engine's view of them, plus the lease renewals and the count of what is left.
import { db } from "@/lib/db";
import { claimForAnalysis, released, type AnalysisClaim, type AnalysisScope } from "@/lib/photos";

export type ClaimedPhoto = AnalysisClaim;
export type Scope = AnalysisScope;

/** claimedForAnalysis: up to `limit` QUEUED photos of sets not paused or cancelled become ANALYZING under our lease. */
export function claimPhotos(scope: Scope, owner: string, limit: number, leaseMs: number): Promise<ClaimedPhoto[]> {
  return claimForAnalysis(scope, owner, limit, leaseMs);
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
export function releasePhotos(owner: string, ids?: string[]): Promise<number> {
  return released(owner, ids);
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
