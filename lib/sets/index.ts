// Photo sets of a team and the cheap reads the set page polls. Every query is
// scoped by teamId as well as the id, so another team's set is simply "not found".
import { z } from "zod";
import { db, type PhotoState, type SetStatus } from "@/lib/db";
import { conflict, notFound } from "@/lib/errors";
import { isPrepared } from "@/lib/photos";
import { reclaimContent } from "@/lib/storage";

export const setNameSchema = z.object({ name: z.string().trim().min(1, "Give the set a name.").max(120) });

export interface SetSummary {
  id: string;
  name: string;
  status: SetStatus;
  createdAt: Date;
  photos: number;
}

export async function createSet(teamId: string, userId: string, name: string): Promise<SetSummary> {
  const set = await db().photoSet.create({
    data: { teamId, createdById: userId, name },
    select: { id: true, name: true, status: true, createdAt: true },
  });
  return { ...set, photos: 0 };
}

export async function listSets(teamId: string): Promise<SetSummary[]> {
  const sets = await db().photoSet.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, status: true, createdAt: true, _count: { select: { photos: true } } },
    take: 500,
  });
  return sets.map(({ _count, ...s }) => ({ ...s, photos: _count.photos }));
}

/** The team's set, or null (another team's set is not found either). */
export async function findSet(teamId: string, setId: string) {
  return db().photoSet.findFirst({
    where: { id: setId, teamId },
    select: { id: true, teamId: true, name: true, status: true, createdAt: true },
  });
}

export async function getSetOr404(teamId: string, setId: string) {
  const set = await findSet(teamId, setId);
  if (!set) throw notFound("Photo set not found");
  return set;
}

export interface SetProgress {
  total: number;
  bytes: number;
  byState: Record<PhotoState, number>;
  duplicateGroups: number;
}

/** Counts by state for the set page's header; one grouped query. */
export async function setProgress(teamId: string, setId: string): Promise<SetProgress> {
  await getSetOr404(teamId, setId);
  const [rows, duplicateGroups] = await Promise.all([
    db().photo.groupBy({ by: ["state"], where: { setId, teamId }, _count: { _all: true }, _sum: { sizeBytes: true } }),
    db().duplicateGroup.count({ where: { setId, photos: { some: {} } } }),
  ]);
  const byState: Record<PhotoState, number> = {
    UPLOADED: 0, PROCESSING: 0, QUEUED: 0, ANALYZING: 0, ANALYZED: 0, SKIPPED: 0, FAILED: 0,
  };
  let total = 0;
  let bytes = 0;
  for (const r of rows) {
    byState[r.state] = r._count._all;
    total += r._count._all;
    bytes += r._sum.sizeBytes ?? 0;
  }
  return { total, bytes, byState, duplicateGroups };
}

export const photoListQuery = z.object({
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  state: z.enum(["UPLOADED", "PROCESSING", "QUEUED", "ANALYZING", "ANALYZED", "SKIPPED", "FAILED"]).optional(),
});

/**
 * A photo of the set page's upload-order grid (the results list's item is
 * PhotoListItem, lib/organize).
 */
export interface SetPhotoItem {
  id: string;
  originalName: string;
  state: PhotoState;
  stateReason: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  duplicateGroupId: string | null;
  /** See hasThumbnail. */
  hasThumb: boolean;
  updatedAt: Date;
}

/**
 * Whether the photo's thumbnail exists: the pipeline stores it before the
 * prepared transition (lib/photos/lifecycle.ts), so a prepared photo has one -
 * also when its analysis failed later. A photo that failed in the pipeline (or
 * waits for it) has none.
 */
export function hasThumbnail(p: { preparedAt: Date | null }): boolean {
  return isPrepared(p);
}

/** One page of the set's photos in upload order (keyset pagination on id). */
export async function listPhotos(
  teamId: string,
  setId: string,
  q: z.infer<typeof photoListQuery>,
): Promise<{ photos: SetPhotoItem[]; nextCursor: string | null }> {
  await getSetOr404(teamId, setId);
  const rows = await db().photo.findMany({
    where: { setId, teamId, ...(q.state ? { state: q.state } : {}), ...(q.cursor ? { id: { gt: q.cursor } } : {}) },
    orderBy: { id: "asc" },
    take: q.limit + 1,
    select: {
      id: true, originalName: true, state: true, stateReason: true, width: true, height: true,
      sizeBytes: true, duplicateGroupId: true, updatedAt: true, preparedAt: true,
    },
  });
  const page = rows.slice(0, q.limit);
  return {
    photos: page.map(({ preparedAt, ...p }) => ({ ...p, hasThumb: hasThumbnail({ preparedAt }) })),
    nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export interface DuplicateGroupSummary {
  id: string;
  keeperPhotoId: string | null;
  keeperChosen: boolean;
  photoIds: string[];
}

/** The set's near-duplicate groups (two or more photos), for the upload page. */
export async function listDuplicateGroupIds(teamId: string, setId: string): Promise<DuplicateGroupSummary[]> {
  await getSetOr404(teamId, setId);
  const groups = await db().duplicateGroup.findMany({
    where: { setId, set: { teamId } },
    orderBy: { createdAt: "asc" },
    select: { id: true, keeperPhotoId: true, keeperChosen: true, photos: { select: { id: true }, orderBy: { id: "asc" } } },
  });
  return groups
    .filter((g) => g.photos.length > 1)
    .map((g) => ({ id: g.id, keeperPhotoId: g.keeperPhotoId, keeperChosen: g.keeperChosen, photoIds: g.photos.map((p) => p.id) }));
}

/** A photo of the team (any set), or 404: the content hash is what the file routes need. */
export async function getPhotoOr404(teamId: string, photoId: string) {
  const photo = await db().photo.findFirst({
    where: { id: photoId, teamId },
    select: { id: true, contentHash: true, mimeType: true, originalName: true, state: true, unreadable: true, stateReason: true },
  });
  if (!photo) throw notFound("Photo not found");
  return photo;
}

/**
 * Deletes a set with its photos, albums and share links, then the stored files
 * no other photo needs (lib/storage/reclaim.ts). Refused while a worker holds
 * one of its photos: pause the set or let it finish first.
 */
export async function deleteSet(teamId: string, setId: string): Promise<{ photos: number; filesRemoved: number }> {
  await getSetOr404(teamId, setId);
  const busy = await db().photo.count({ where: { setId, state: { in: ["PROCESSING", "ANALYZING"] } } });
  if (busy > 0) throw conflict(`${busy} photo(s) of this set are being processed right now; pause the set or wait, then delete it.`);
  const hashes = (await db().photo.findMany({ where: { setId }, select: { contentHash: true }, distinct: ["contentHash"] })).map((p) => p.contentHash);
  // Photos, albums, duplicate groups, runs and share links go with the set (ON DELETE CASCADE).
  const photos = await db().photo.count({ where: { setId } });
  await db().photoSet.delete({ where: { id: setId } });
  // The team's custom albums may have held some of these photos: one whose cover went gets its first remaining photo.
  await db().$executeRaw`
    UPDATE "Album" a SET "coverPhotoId" = (
      SELECT ap."photoId" FROM "AlbumPhoto" ap WHERE ap."albumId" = a.id ORDER BY ap.position LIMIT 1), "updatedAt" = now()
    WHERE a."teamId" = ${teamId} AND a."coverPhotoId" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "Photo" p WHERE p.id = a."coverPhotoId")`;
  return { photos, filesRemoved: await reclaimContent(hashes) };
}

export { attachment, fileResponse } from "./file-response";
