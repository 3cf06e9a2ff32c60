// Giving disk space back. Storage is content-addressed and shared: one file per
// content, whichever sets, teams or photos point at it (and the analysis cache
// keeps its answers by content hash, without needing the files). So a content's
// files go only when no photo row needs them any more, counted in the database
// under a per-content lock that ingest takes too: an upload of the same bytes
// either stores its file and row before the count (which then sees the row) or
// after the files are gone (and stores the original afresh). Rows are deleted
// first, files after, so a crash in between leaves files to reclaim, never a
// row without its file.
import { db, type Prisma } from "@/lib/db";
import { storage, type FileKind } from "./local";

type Tx = Prisma.TransactionClient;

const KINDS: FileKind[] = ["original", "analysis", "thumb", "preview"];

/** Holds the content's lock until the transaction ends. */
export async function lockContent(tx: Tx, contentHash: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtext(${`content:${contentHash}`}))) AS l`;
}

/**
 * Rows that need the content's files: every photo except one the image pipeline
 * refused for its content (`unreadable`), which is never decoded again (the
 * same bytes would fail the same way) and keeps only its row and reason.
 */
async function rowsNeedingFiles(tx: Tx, contentHash: string): Promise<number> {
  return tx.photo.count({ where: { contentHash, unreadable: false } });
}

/**
 * Deletes the files of each content no photo row needs any more; returns how
 * many contents were removed. Call it after the rows are gone (or marked
 * unreadable). Safe to call for contents still in use: those are left alone.
 */
export async function reclaimContent(contentHashes: Iterable<string>): Promise<number> {
  let removed = 0;
  for (const hash of new Set(contentHashes)) {
    const gone = await db().$transaction(
      async (tx) => {
        await lockContent(tx, hash);
        if ((await rowsNeedingFiles(tx, hash)) > 0) return false;
        // Inside the lock: an upload of these bytes waits, then finds no file and stores its own.
        for (const kind of KINDS) await storage().delete(hash, kind);
        return true;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (gone) removed++;
  }
  return removed;
}
