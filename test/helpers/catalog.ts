// A comparable snapshot of a database's schema: what `prisma migrate diff`
// would look at (tables, columns, enums, indexes, constraints), as sorted text.
import type { SqlRunner } from "@/lib/db/migrate";

export async function schemaSnapshot(db: SqlRunner): Promise<string[]> {
  const columns = await db.query<Record<string, string>>(`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '') AS column_default,
           coalesce(character_maximum_length::text, '') AS len
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
  const enums = await db.query<Record<string, string>>(`
    SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.typname`);
  const indexes = await db.query<Record<string, string>>(`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
  const constraints = await db.query<Record<string, string>>(`
    SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.conrelid::regclass::text NOT LIKE '%_prisma_migrations%'`);
  return [
    ...columns.map((c) => `column ${c.table_name}.${c.column_name} ${c.data_type}/${c.udt_name}(${c.len}) null=${c.is_nullable} default=${c.column_default}`),
    ...enums.map((e) => `enum ${e.typname} ${e.labels}`),
    ...indexes.map((i) => `index ${i.indexname} ${i.indexdef}`),
    ...constraints.map((c) => `constraint ${c.tbl}.${c.conname} ${c.def}`),
  ].sort();
}
