// Full-text search over a team's photos: the Photo.searchVector column a
// trigger keeps current (file name, captions, hashtags, tags, category,
// description; see its migration), matched with PostgreSQL's websearch syntax
// ("quoted phrase", -without, or) through a GIN index. Same SQL on the server
// and on embedded PGlite.
import { db, Prisma } from "@/lib/db";

/** The most matches a search returns, best first; the page says when there were more. */
export const SEARCH_MAX = 1000;

/** Ids of the photos matching `text`, best match first. */
export async function searchPhotoIds(teamId: string, setId: string | null, text: string): Promise<string[]> {
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT p.id
    FROM "Photo" p, websearch_to_tsquery('english', ${text}) AS query
    WHERE p."teamId" = ${teamId} ${setId ? Prisma.sql`AND p."setId" = ${setId}` : Prisma.empty}
      AND p."searchVector" @@ query
    ORDER BY ts_rank(p."searchVector", query) DESC, p.id
    LIMIT ${SEARCH_MAX}`;
  return rows.map((r) => r.id);
}
