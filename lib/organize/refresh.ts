// Keeps the computed albums of a set current: one CATEGORY album per effective
// category (a person's category wins), "Best picks" (BEST), and the suggested
// keeper of every near-duplicate group a person has not decided.
//
// How "current" is kept (docs/decisions/005-organize-kept-current.md): this
// function is idempotent and cheap when nothing changed (it writes only albums
// whose membership, order or cover differs). It runs under a per-set advisory
// lock when the data changes, never because someone looks: after a person's
// edit, when a keeper is chosen, when the analysis engine writes results or
// closes a run and when the image pipeline groups near-duplicates (those three
// coalesced and spaced out by refresh-scheduler.ts), and before an export
// writes files. An album a
// person reordered (orderedByHand) keeps their order; new members are appended
// in score order, members that left are dropped.
//
// Membership and order are computed and written by Postgres: a 5,000-photo set
// refreshed in JS took ~100-150 ms of this server's CPU (rows in, sorting, id
// arrays out) in stalls of up to ~80 ms, which the dashboards' polls queued
// behind; in SQL only a handful of small rows reach JS.
import { db, Prisma, type PrismaClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { notFound } from "@/lib/errors";
import { EYES_CLOSED_PENALTY, UNSHARP_FACE_BELOW, UNSHARP_FACE_PENALTY } from "./faces";
import { updateSuggestedKeepers } from "./keepers";
import { createRefreshScheduler } from "./refresh-scheduler";

type Tx = Prisma.TransactionClient | PrismaClient;

export const BEST_ALBUM_NAME = "Best picks";
export const UNCATEGORIZED = "Uncategorized";

export function categoryAlbumName(category: string | null): string {
  if (!category) return UNCATEGORIZED;
  return category.charAt(0).toUpperCase() + category.slice(1);
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

/** The album order everywhere: Instagram score, then quality score, unscored last, then id (as compareByScore). */
const BY_SCORE = Prisma.sql`i DESC NULLS LAST, q DESC NULLS LAST, id COLLATE "C"`;

/** faces.ts's facePenalty in SQL over FaceScan f: albums and Best picks rank shut eyes and soft faces lower. */
const facePenaltySql = Prisma.sql`CASE WHEN f."faceCount" > 0 THEN
  ${EYES_CLOSED_PENALTY}::float8 * f."eyesClosed" / f."faceCount"
  + CASE WHEN f."mainFaceSharpness" < ${UNSHARP_FACE_BELOW} THEN ${UNSHARP_FACE_PENALTY}::float8 ELSE 0 END
  ELSE 0 END`;

/**
 * CTEs ending in `members(key, kind, category, id, rank)`: every computed
 * album's photos with their rank in score order. key is "CATEGORY:<category
 * or empty>" or "BEST". Best picks are the top `bestCount` scored photos, each
 * near-duplicate group represented once - by its keeper (suggested by
 * keeper.ts's rule, written just before, or chosen by a person); a group
 * without a keeper by its best-scored member.
 */
function membersCte(setId: string, bestCount: number): Prisma.Sql {
  return Prisma.sql`
    analysed AS (
      SELECT id, cat, i - fp AS i, q - fp AS q, g FROM (
        SELECT p.id, COALESCE(p."userCategory", p.category) AS cat, p."instagramScore" AS i, p."qualityScore" AS q, p."duplicateGroupId" AS g,
               ${facePenaltySql} AS fp
        FROM "Photo" p LEFT JOIN "FaceScan" f ON f.id = p."faceScanId"
        WHERE p."setId" = ${setId} AND p.state = 'ANALYZED'
      ) scored
    ),
    best AS (
      SELECT id, i, q FROM (
        SELECT id, i, q, row_number() OVER (PARTITION BY COALESCE(g, id) ORDER BY ${BY_SCORE}) AS nth
        FROM analysed a
        WHERE (i IS NOT NULL OR q IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM "DuplicateGroup" kept
                          WHERE kept.id = a.g AND kept."keeperPhotoId" <> a.id)
      ) one_per_group
      WHERE nth = 1
      ORDER BY ${BY_SCORE}
      LIMIT ${bestCount}
    ),
    members AS (
      SELECT 'CATEGORY:' || COALESCE(cat, '') AS key, 'CATEGORY' AS kind, cat AS category, id,
             row_number() OVER (PARTITION BY cat ORDER BY ${BY_SCORE}) AS rank
      FROM analysed
      UNION ALL
      SELECT 'BEST', 'BEST', NULL, id, row_number() OVER (ORDER BY ${BY_SCORE}) FROM best
    )`;
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
      const keepersUpdated = await updateSuggestedKeepers(tx, { setId });
      const members = membersCte(setId, getEnv().BEST_PICKS_COUNT);

      const wanted = await tx.$queryRaw<{ kind: "CATEGORY" | "BEST"; category: string | null }[]>`
        WITH ${members} SELECT DISTINCT kind, category FROM members`;
      const existing = await tx.$queryRaw<{ id: string; kind: string; category: string | null; shares: number }[]>`
        SELECT a.id, a.kind::text AS kind, a.category,
               (SELECT count(*)::int FROM "ShareLink" s WHERE s."albumId" = a.id) AS shares
        FROM "Album" a
        WHERE a."setId" = ${setId} AND a.kind IN ('CATEGORY', 'BEST')
        ORDER BY a."createdAt", a.id`;

      // Each wanted key gets its oldest album; an album nobody wants any more is
      // deleted, unless it has share links (deleting would kill the links): then
      // it is kept, emptied, and fills again if photos come back.
      const keyOf = (a: { kind: string; category: string | null }) => (a.kind === "BEST" ? "BEST" : `CATEGORY:${a.category ?? ""}`);
      const wantedKeys = new Set(wanted.map(keyOf));
      const target: { id: string; key: string }[] = [];
      const unwanted: string[] = [];
      const taken = new Set<string>();
      for (const album of existing) {
        const key = keyOf(album);
        if (wantedKeys.has(key) && !taken.has(key)) {
          taken.add(key);
          target.push({ id: album.id, key });
        } else if (album.shares > 0) {
          target.push({ id: album.id, key: "" }); // matches no member: emptied
        } else {
          unwanted.push(album.id);
        }
      }
      const albumsDeleted = unwanted.length ? (await tx.album.deleteMany({ where: { id: { in: unwanted } } })).count : 0;
      for (const want of wanted) {
        const key = keyOf(want);
        if (taken.has(key)) continue;
        taken.add(key); // one album per key, also when two categories share one ("" and none)
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
        target.push({ id: album.id, key });
      }
      if (!target.length) return { albumsWritten: 0, albumsDeleted, keepersUpdated };

      // Every album's wanted order: a hand-made order keeps its members that
      // stay, in their order, then newcomers by score; otherwise by score. Rows
      // already in place are not touched; the albums that changed get their
      // cover (first photo) and updatedAt and are counted.
      const [counted] = await tx.$queryRaw<{ written: number }[]>`
        WITH ${members},
        albums AS (
          SELECT a.id, a."orderedByHand" AS by_hand, x.key
          FROM unnest(${target.map((t) => t.id)}::text[], ${target.map((t) => t.key)}::text[]) AS x(id, key)
          JOIN "Album" a ON a.id = x.id
        ),
        wanted AS (
          SELECT al.id AS album_id, m.id AS photo_id,
                 (row_number() OVER (PARTITION BY al.id ORDER BY CASE WHEN al.by_hand THEN ap.position END NULLS LAST, m.rank) - 1)::int AS position
          FROM albums al
          JOIN members m ON m.key = al.key
          LEFT JOIN "AlbumPhoto" ap ON ap."albumId" = al.id AND ap."photoId" = m.id
        ),
        removed AS (
          DELETE FROM "AlbumPhoto" ap USING albums al
          WHERE ap."albumId" = al.id
            AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.album_id = ap."albumId" AND w.photo_id = ap."photoId")
          RETURNING ap."albumId" AS album_id
        ),
        placed AS (
          INSERT INTO "AlbumPhoto" ("albumId", "photoId", "position")
          SELECT w.album_id, w.photo_id, w.position
          FROM wanted w LEFT JOIN "AlbumPhoto" ap ON ap."albumId" = w.album_id AND ap."photoId" = w.photo_id
          WHERE ap.position IS DISTINCT FROM w.position
          ON CONFLICT ("albumId", "photoId") DO UPDATE SET "position" = EXCLUDED."position"
          RETURNING "albumId" AS album_id
        ),
        covered AS (
          UPDATE "Album" a SET "coverPhotoId" = c.photo_id, "updatedAt" = now()
          FROM (SELECT al.id, w.photo_id FROM albums al LEFT JOIN wanted w ON w.album_id = al.id AND w.position = 0) c
          WHERE a.id = c.id
            AND (a."coverPhotoId" IS DISTINCT FROM c.photo_id
                 OR a.id IN (SELECT album_id FROM removed) OR a.id IN (SELECT album_id FROM placed))
          RETURNING a.id
        )
        SELECT count(*)::int AS written FROM covered`;
      return { albumsWritten: counted!.written, albumsDeleted, keepersUpdated };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

const scheduler = createRefreshScheduler(refreshSetOrganization, {
  // Every 5 s for a small set; a 5,000-photo set (~150-250 ms a refresh, nearly
  // all of it Postgres' work, which the dashboards' polls share) every ~15-25 s.
  // An export or a person's edit refreshes at once whatever this says.
  minIntervalMs: 5000,
  costFactor: 100,
  maxIntervalMs: 30_000,
  onError: (err, setId) => console.error(`[organize] refreshing albums of set ${setId} failed`, err),
});

/**
 * Asks for a background refresh of the set (coalesced and spaced out): for
 * writers whose change does not need the albums current before they answer -
 * results written, a run closed, near-duplicates grouped, photos deleted.
 */
export function requestRefresh(setId: string): void {
  scheduler.request(setId);
}
