// Migration runners (lib/db/migrate's SqlRunner) on a fresh database of the
// PostgreSQL server and on a fresh embedded PGlite, for tests that check the
// migrations on both. Each pushes its clean-up onto the caller's list.
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { SqlRunner } from "@/lib/db/migrate";
import { createDatabase, dropDatabase } from "./pg";

export type Cleanups = (() => Promise<void>)[];

export async function serverRunner(prefix: string, cleanups: Cleanups): Promise<SqlRunner> {
  const { name, url } = await createDatabase(prefix);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(async () => {
    await client.end();
    await dropDatabase(name);
  });
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

export function liteRunner(cleanups: Cleanups): SqlRunner {
  const lite = new PGlite();
  cleanups.push(() => lite.close());
  return {
    query: async <T,>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await lite.exec(sql);
    },
  };
}
