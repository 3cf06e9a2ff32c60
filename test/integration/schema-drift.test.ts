// The migrations must build exactly the schema that prisma/schema.prisma
// describes: an empty database migrated by our runner is compared with one
// built from the SQL Prisma generates for schema.prisma, on the PostgreSQL
// server and on embedded PGlite.
import { afterAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
// @ts-expect-error - plain ESM script without types
import { schemaSql } from "../schema-diff/schema-sql.mjs";
import { schemaSnapshot } from "../helpers/catalog";
import { liteRunner, serverRunner } from "../helpers/sql-runners";

const expectedSql = (schemaSql as () => string)();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const serverDb = () => serverRunner("drift", cleanups);
const liteDb = () => liteRunner(cleanups);

describe("schema drift", () => {
  it("on the PostgreSQL server, migrations equal schema.prisma", async () => {
    const [migrated, expected] = await Promise.all([serverDb(), serverDb()]);
    const applied = await migrate(migrated);
    expect(applied.length).toBeGreaterThan(0);
    await expected.exec(expectedSql);
    const [a, b] = await Promise.all([schemaSnapshot(migrated), schemaSnapshot(expected)]);
    expect(a.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
    // A second run applies nothing and records each migration once.
    expect(await migrate(migrated)).toEqual([]);
    const rows = await migrated.query<{ n: string }>(`SELECT count(*)::text AS n FROM "_prisma_migrations"`);
    expect(Number(rows[0]?.n)).toBe(applied.length);
  }, 120_000);

  it("on embedded PGlite, migrations equal schema.prisma", async () => {
    const migrated = liteDb();
    const expected = liteDb();
    await migrate(migrated);
    await expected.exec(expectedSql);
    expect(await schemaSnapshot(migrated)).toEqual(await schemaSnapshot(expected));
  }, 120_000);

  it("refuses a migration edited after it was applied", async () => {
    const db = liteDb();
    await migrate(db);
    await db.exec(`UPDATE "_prisma_migrations" SET checksum = 'x' WHERE migration_name = (SELECT min(migration_name) FROM "_prisma_migrations")`);
    await expect(migrate(db)).rejects.toThrow(/was changed after it was applied/);
  }, 120_000);
});
