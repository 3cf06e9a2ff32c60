// Keeps the computed albums of a set current: one CATEGORY album per effective
// category (a person's category wins), "Best picks" (BEST), and the suggested
// keeper of every near-duplicate group a person has not decided.
//
// How "current" is kept (docs/decisions/organize-kept-current.md): this
// function is idempotent and cheap when nothing changed (it writes only albums
// whose membership or order differs). It runs under a per-set advisory lock
// after a person's edit, when a keeper is chosen, when albums or exports are
// read, and from the progress poll whenever the set's count of analysed photos
// changed (coalesced: at most one refresh per set every 5 s per process, longer
// for sets whose refresh is costly). An album a person reordered (orderedByHand) keeps their order; new
// members are appended in score order, members that left are dropped.
import { db, Prisma, type PrismaClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { notFound } from "@/lib/errors";
import { compareByScore, pickBest } from "./best";
import { suggestKeeper } from "./keeper";
import { createRefreshScheduler } from "./refresh-scheduler";

type Tx = Prisma.TransactionClient | PrismaClient;

export const BEST_ALBUM_NAME = "Best picks";
export const UNCATEGORIZED = "Uncategorized";

export function categoryAlbumName(category: string | null): string {
  if (!category) return UNCATEGORIZED;
  return category.charAt(0).toUpperCase() + category.slice(1);
}

/** Keeps a hand-made order, drops members that left, appends new ones in `desired` order. */
export function mergeOrder(current: string[], desired: string[], orderedByHand: boolean): string[] {
  if (!orderedByHand) return desired;
  const want = new Set(desired);
  const kept = current.filter((id) => want.has(id));
  const have = new Set(kept);
  return [...kept, ...desired.filter((id) => !have.has(id))];
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Makes an album's members exactly `order` (positions 0..n-1) and its cover the
 * first. Two statements whatever the album's size: the ids travel as one array
 * parameter, and rows whose position did not change are not rewritten.
 */
export async function writeAlbumOrder(tx: Tx, albumId: string, order: string[]): Promise<void> {
  await tx.$executeRaw`DELETE FROM "AlbumPhoto" WHERE "albumId" = ${albumId} AND NOT ("photoId" = ANY(${order}::text[]))`;
  if (order.length) {
    await tx.$executeRaw`
      INSERT INTO "AlbumPhoto" ("albumId", "photoId", "position")
      SELECT ${albumId}, t.id, (t.ord - 1)::int FROM unnest(${order}::text[]) WITH ORDINALITY AS t(id, ord)
      ON CONFLICT ("albumId", "photoId") DO UPDATE SET "position" = EXCLUDED."position"
      WHERE "AlbumPhoto"."position" <> EXCLUDED."position"`;
  }
  await tx.album.update({ where: { id: albumId }, data: { coverPhotoId: order[0] ?? null } });
}

export interface RefreshResult {
  albumsWritten: number;
  albumsDeleted: number;
  keepersUpdated: number;
}

export async function refreshSetOrganization(setId: string): Promise<RefreshResult> {
  return db().$transaction(
    async (tx) => {
      // One refresh per set at a time; a second waits and then finds nothing to do.
      await tx.$queryRaw`SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(hashtext(${`organize:${setId}`}))) AS l`;
      const set = await tx.photoSet.findUnique({ where: { id: setId }, select: { id: true, teamId: true } });
      if (!set) throw notFound("Photo set not found");
      const keepersUpdated = await refreshKeepers(tx, setId);
      const groups = await tx.duplicateGroup.findMany({
        where: { setId, keeperChosen: true },
        select: { id: true, keeperPhotoId: true },
      });
      const chosenKeeper = new Map(groups.map((g) => [g.id, g.keeperPhotoId]));
      // Raw reads: a 5,000-photo set is read every few seconds during a run, and
      // plain rows cost the server far less CPU than mapped models.
      const photos = await tx.$queryRaw<
        { id: string; category: string | null; userCategory: string | null; instagramScore: number | null; qualityScore: number | null; duplicateGroupId: string | null }[]
      >`SELECT id, category, "userCategory", "instagramScore", "qualityScore", "duplicateGroupId"
        FROM "Photo" WHERE "setId" = ${setId} AND state = 'ANALYZED'`;
      photos.sort(compareByScore);

      // key "CATEGORY:<category or empty>" or "BEST"
      const desired = new Map<string, { kind: "CATEGORY" | "BEST"; category: string | null; ids: string[] }>();
      for (const p of photos) {
        const category = p.userCategory ?? p.category ?? null;
        const key = `CATEGORY:${category ?? ""}`;
        const entry = desired.get(key) ?? { kind: "CATEGORY" as const, category, ids: [] };
        entry.ids.push(p.id);
        desired.set(key, entry);
      }
      const best = pickBest(
        photos.map((p) => ({
          ...p,
          chosenKeeperId: p.duplicateGroupId ? (chosenKeeper.get(p.duplicateGroupId) ?? null) : null,
        })),
        getEnv().BEST_PICKS_COUNT,
      );
      if (best.length) desired.set("BEST", { kind: "BEST", category: null, ids: best });

      const existing = (
        await tx.$queryRaw<
          { id: string; kind: string; category: string | null; orderedByHand: boolean; coverPhotoId: string | null; photos: string[]; shares: number }[]
        >`SELECT a.id, a.kind::text AS kind, a.category, a."orderedByHand", a."coverPhotoId",
                 COALESCE((SELECT array_agg(ap."photoId" ORDER BY ap.position) FROM "AlbumPhoto" ap WHERE ap."albumId" = a.id), '{}') AS photos,
                 (SELECT count(*)::int FROM "ShareLink" s WHERE s."albumId" = a.id) AS shares
          FROM "Album" a
          WHERE a."setId" = ${setId} AND a.kind IN ('CATEGORY', 'BEST')
          ORDER BY a."createdAt", a.id`
      ).map((a) => ({ ...a, photos: a.photos.map((photoId) => ({ photoId })), _count: { shareLinks: a.shares } }));

      let albumsWritten = 0;
      let albumsDeleted = 0;
      const seen = new Set<string>();
      for (const album of existing) {
        const key = album.kind === "BEST" ? "BEST" : `CATEGORY:${album.category ?? ""}`;
        const want = seen.has(key) ? undefined : desired.get(key);
        seen.add(key);
        const current = album.photos.map((p) => p.photoId);
        if (!want) {
          // Empty now. Keep an album that has share links (deleting would kill
          // the links); it fills again if photos come back.
          if (album._count.shareLinks > 0) {
            if (current.length) {
              await writeAlbumOrder(tx, album.id, []);
              albumsWritten++;
            }
          } else {
            await tx.album.delete({ where: { id: album.id } });
            albumsDeleted++;
          }
          continue;
        }
        const order = mergeOrder(current, want.ids, album.orderedByHand);
        if (!sameList(order, current) || album.coverPhotoId !== (order[0] ?? null)) {
          await writeAlbumOrder(tx, album.id, order);
          albumsWritten++;
        }
      }
      for (const [key, want] of desired) {
        if (seen.has(key)) continue;
        const album = await tx.album.create({
          data: {
            teamId: set.teamId,
            setId,
            kind: want.kind,
            category: want.category,
            name: want.kind === "BEST" ? BEST_ALBUM_NAME : categoryAlbumName(want.category),
          },
          select: { id: true },
        });
        await writeAlbumOrder(tx, album.id, want.ids);
        albumsWritten++;
      }
      return { albumsWritten, albumsDeleted, keepersUpdated };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** Suggests a keeper for every group no person has decided; returns how many changed. */
async function refreshKeepers(tx: Tx, setId: string): Promise<number> {
  const groups = await tx.duplicateGroup.findMany({
    where: { setId, keeperChosen: false },
    select: {
      id: true,
      keeperPhotoId: true,
      photos: {
        where: { state: { not: "FAILED" } },
        select: { id: true, instagramScore: true, qualityScore: true, sharpness: true, width: true, height: true },
      },
    },
  });
  let changed = 0;
  for (const g of groups) {
    const keeper = suggestKeeper(g.photos);
    if (keeper !== g.keeperPhotoId) {
      await tx.duplicateGroup.update({ where: { id: g.id }, data: { keeperPhotoId: keeper } });
      changed++;
    }
  }
  return changed;
}

const lastAnalysed = new Map<string, number>();
const scheduler = createRefreshScheduler(refreshSetOrganization, {
  // Every 5 s for a small set; a 5,000-photo set (~150 ms a refresh, in part on
  // this server's event loop, which the dashboards' polls share) every ~15 s.
  // Opening the albums or an export refreshes at once whatever this says.
  minIntervalMs: 5000,
  costFactor: 100,
  maxIntervalMs: 30_000,
  onError: (err, setId) => console.error(`[organize] refreshing albums of set ${setId} failed`, err),
});

/**
 * Called by the progress poll with the set's current count of analysed
 * photos: when that count moved since the last call in this process, asks for
 * a refresh (coalesced and spaced out by refresh-scheduler.ts; never awaited,
 * so the poll stays one GROUP BY + one row).
 */
export function refreshIfAnalysedChanged(setId: string, analysed: number): boolean {
  if (lastAnalysed.get(setId) === analysed) return false;
  lastAnalysed.set(setId, analysed);
  scheduler.request(setId);
  return true;
}
