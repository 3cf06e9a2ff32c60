// A team's storage quota (TEAM_STORAGE_QUOTA_BYTES; unset = unlimited). What a
// team uses is the size of each distinct original its photos need: the same
// bytes in two of its sets are stored once and counted once; a file the
// pipeline refused for its content is not kept (lib/storage/reclaim.ts) and not
// counted. Derived files (analysis JPEG, thumbnail, preview) are a few percent
// of the originals and are not counted.
import { db, type Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

type Tx = Prisma.TransactionClient;

export function teamQuotaBytes(): number | null {
  return getEnv().TEAM_STORAGE_QUOTA_BYTES ?? null;
}

export async function teamStorageUsed(teamId: string, tx: Tx = db()): Promise<number> {
  const [row] = await tx.$queryRaw<{ used: number }[]>`
    SELECT COALESCE(SUM(size), 0)::float8 AS used FROM (
      SELECT DISTINCT ON ("contentHash") "sizeBytes" AS size FROM "Photo"
      WHERE "teamId" = ${teamId} AND NOT unreadable
      ORDER BY "contentHash") AS held`;
  return row?.used ?? 0;
}

/** Serialises a team's uploads between the quota check and the new row, so parallel uploads cannot all fit in the same room. */
export async function lockTeamQuota(tx: Tx, teamId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtext(${`quota:${teamId}`}))) AS l`;
}

function quotaFull(quota: number, used: number, what: string): AppError {
  return new AppError(
    "payload_too_large",
    `${what}: this team's storage quota is ${formatBytes(quota)}, and ${formatBytes(used)} of it is in use. ` +
      "Delete photos or sets to make room, or ask the operator to raise TEAM_STORAGE_QUOTA_BYTES.",
    { quotaBytes: quota, usedBytes: used },
  );
}

/** Before any byte of a file is stored: refuses at once when the team has no room left at all. */
export async function assertTeamHasRoom(teamId: string, name: string): Promise<void> {
  const quota = teamQuotaBytes();
  if (quota === null) return;
  const used = await teamStorageUsed(teamId);
  if (used >= quota) throw quotaFull(quota, used, `"${name}" was not stored`);
}

/** Inside the upload's transaction (after lockTeamQuota): refuses a new original that would take the team over its quota. */
export async function assertRoomFor(tx: Tx, teamId: string, contentHash: string, size: number, name: string): Promise<void> {
  const quota = teamQuotaBytes();
  if (quota === null) return;
  // Bytes the team already holds (in another set) cost nothing more.
  if (await tx.photo.findFirst({ where: { teamId, contentHash, unreadable: false }, select: { id: true } })) return;
  const used = await teamStorageUsed(teamId, tx);
  if (used + size > quota) throw quotaFull(quota, used, `"${name}" (${formatBytes(size)}) does not fit`);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
