// Work on many photos at once (the results grid's selection): remove them
// from their set, choose them as keepers, re-analyse, rate or flag. Every id
// must be one of the team's photos, or nothing happens (404, as for one photo).
import { z } from "zod";
import { db, type PhotoState } from "@/lib/db";
import { badRequest, conflict, notFound } from "@/lib/errors";
import { count } from "@/lib/count";
import { requeue } from "@/lib/photos";
import { reclaimContent } from "@/lib/storage";
import { chooseKeeper } from "./duplicates";
import { refreshSetOrganization } from "./refresh";

/** The most photos one request acts on ("select all" of a large filter is sent in parts). */
export const BULK_MAX = 5000;

const ids = z.array(z.string().min(1).max(40)).min(1, "Select at least one photo.").max(BULK_MAX);

export const bulkActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("remove"), photoIds: ids }),
  z.object({ action: z.literal("keeper"), photoIds: ids }),
  z.object({ action: z.literal("reanalyse"), photoIds: ids }),
  z.object({ action: z.literal("rate"), photoIds: ids, rating: z.number().int().min(0).max(5) }),
  z.object({ action: z.literal("flag"), photoIds: ids, flag: z.enum(["PICK", "REJECT"]).nullable() }),
]);
export type BulkAction = z.infer<typeof bulkActionSchema>;

export interface BulkResult {
  /** Photos the action changed. */
  changed: number;
  /** What was left alone and why, in words for the person. */
  message: string;
}

async function teamPhotos(teamId: string, photoIds: string[]) {
  const unique = [...new Set(photoIds)];
  const rows = await db().photo.findMany({
    where: { id: { in: unique }, teamId },
    select: { id: true, setId: true, state: true, width: true, duplicateGroupId: true, contentHash: true },
  });
  if (rows.length !== unique.length) throw notFound("Photo not found");
  return rows;
}

/** Photos in these states are being worked on; removing or requeueing them would race the worker. */
const BUSY: PhotoState[] = ["PROCESSING", "ANALYZING"];

export async function bulkPhotoAction(teamId: string, a: BulkAction): Promise<BulkResult> {
  const photos = await teamPhotos(teamId, a.photoIds);
  const ids = photos.map((p) => p.id);
  switch (a.action) {
    case "remove": {
      const busy = photos.filter((p) => BUSY.includes(p.state));
      if (busy.length) throw conflict(`${count(busy.length, "selected photo")} ${busy.length === 1 ? "is" : "are"} being processed right now; pause the set or wait, then remove again.`);
      // A custom album whose cover goes gets its next photo as cover (computed albums get theirs in the refresh).
      const covered = await db().album.findMany({ where: { teamId, coverPhotoId: { in: ids } }, select: { id: true } });
      const r = await db().photo.deleteMany({ where: { id: { in: ids }, teamId } });
      for (const album of covered) {
        const first = await db().albumPhoto.findFirst({ where: { albumId: album.id }, orderBy: { position: "asc" }, select: { photoId: true } });
        await db().album.update({ where: { id: album.id }, data: { coverPhotoId: first?.photoId ?? null } });
      }
      // Albums, best picks and duplicate keepers follow at once, not at the next page view.
      for (const setId of new Set(photos.map((p) => p.setId))) await refreshSetOrganization(setId);
      // The rows are gone: their files follow unless another photo (any set, any team) holds the same bytes.
      await reclaimContent(photos.map((p) => p.contentHash));
      return { changed: r.count, message: `Removed ${count(r.count, "photo")}.` };
    }
    case "keeper": {
      const byGroup = new Map<string, string[]>();
      for (const p of photos) if (p.duplicateGroupId) byGroup.set(p.duplicateGroupId, [...(byGroup.get(p.duplicateGroupId) ?? []), p.id]);
      const clash = [...byGroup.values()].find((g) => g.length > 1);
      if (clash) throw badRequest("Select one photo per duplicate group to keep; two of the selected photos are copies of each other.");
      for (const [groupId, [photoId]] of byGroup) await chooseKeeper(teamId, groupId, photoId!);
      const alone = photos.length - byGroup.size;
      return {
        changed: byGroup.size,
        message: `Kept ${count(byGroup.size, "photo")} over ${byGroup.size === 1 ? "its" : "their"} duplicates.${alone ? ` ${count(alone, "photo")} ${alone === 1 ? "has" : "have"} no duplicates.` : ""}`,
      };
    }
    case "reanalyse": {
      // A photo the image pipeline has not prepared (or could not read) would only fail again.
      const queued = await requeue(teamId, ids);
      const left = photos.length - queued;
      return {
        changed: queued,
        message: `Queued ${count(queued, "photo")} for analysis.${left ? ` ${count(left, "photo")} left alone: still being prepared, being analysed, or unreadable.` : ""}`,
      };
    }
    case "rate": {
      const r = await db().photo.updateMany({ where: { id: { in: ids }, teamId }, data: { rating: a.rating === 0 ? null : a.rating } });
      return { changed: r.count, message: a.rating === 0 ? `Cleared the rating of ${count(r.count, "photo")}.` : `Rated ${count(r.count, "photo")} ${a.rating}★.` };
    }
    case "flag": {
      const r = await db().photo.updateMany({ where: { id: { in: ids }, teamId }, data: { flag: a.flag } });
      const what = a.flag === "PICK" ? "Picked" : a.flag === "REJECT" ? "Rejected" : "Cleared the flag of";
      return { changed: r.count, message: `${what} ${count(r.count, "photo")}.` };
    }
  }
}
