// The one Prisma client. PostgreSQL through @prisma/adapter-pg when DATABASE_URL
// is set, else embedded PGlite in DATA_DIR/pglite (one process only). Cached on
// globalThis so hot reloads and Next's bundles share one client per process.
// Queries taking SLOW_QUERY_MS or longer are logged with their SQL.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { migrate, type SqlRunner } from "./migrate";
import { lockEmbeddedDb } from "./embedded-lock";
import { openPglite } from "./pglite";

export { Prisma } from "@/lib/generated/prisma/client";
export type { PrismaClient } from "@/lib/generated/prisma/client";
export * from "@/lib/generated/prisma/enums";

interface DbState {
  prisma: PrismaClient;
  runner: () => Promise<{ runner: SqlRunner; release: () => Promise<void> }>;
  migrated?: Promise<string[]>;
  close: () => Promise<void>;
}

const g = globalThis as unknown as { __instaDb?: DbState };

/** Prisma's query events, which carry each query's duration. */
const QUERY_EVENTS = [{ emit: "event", level: "query" }] as const;

function logSlowQueries(prisma: PrismaClient<"query">): PrismaClient {
  const slowMs = getEnv().SLOW_QUERY_MS;
  prisma.$on("query", (e) => {
    if (e.duration < slowMs) return;
    const sql = e.query.length > 500 ? `${e.query.slice(0, 500)}...` : e.query;
    console.warn(`[db] slow query: ${Math.round(e.duration)} ms (SLOW_QUERY_MS=${slowMs}): ${sql}`);
  });
  return prisma;
}

function createState(): DbState {
  const env = getEnv();
  if (env.DATABASE_URL) {
    const connectionString = env.DATABASE_URL;
    const prisma = logSlowQueries(new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }), log: [...QUERY_EVENTS] }));
    return {
      prisma,
      runner: async () => {
        const client = new pg.Client({ connectionString });
        await client.connect();
        return {
          runner: {
            query: async <T,>(sql: string, params?: unknown[]) =>
              (await client.query(sql, params)).rows as T[],
            exec: async (sql: string) => {
              await client.query(sql);
            },
          },
          release: () => client.end(),
        };
      },
      close: () => prisma.$disconnect(),
    };
  }
  const dir = path.join(env.dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const unlock = lockEmbeddedDb(dir);
  const lite = openPglite(dir);
  const prisma = logSlowQueries(new PrismaClient({ adapter: new PrismaPGlite(lite), log: [...QUERY_EVENTS] }));
  return {
    prisma,
    runner: async () => ({
      runner: {
        query: async <T,>(sql: string, params?: unknown[]) =>
          (await lite.query<T>(sql, params)).rows,
        exec: async (sql: string) => {
          await lite.exec(sql);
        },
      },
      release: async () => {},
    }),
    close: async () => {
      await prisma.$disconnect();
      await lite.close();
      unlock();
    },
  };
}

function state(): DbState {
  g.__instaDb ??= createState();
  return g.__instaDb;
}

/** The Prisma client. Call ensureMigrated() once at process start first. */
export function db(): PrismaClient {
  return state().prisma;
}

/** Applies pending migrations once per process; later calls share the result. */
export function ensureMigrated(): Promise<string[]> {
  const s = state();
  s.migrated ??= (async () => {
    const { runner, release } = await s.runner();
    try {
      return await migrate(runner);
    } finally {
      await release();
    }
  })();
  return s.migrated;
}

export async function closeDb(): Promise<void> {
  const s = g.__instaDb;
  g.__instaDb = undefined;
  if (s) await s.close();
}

export function usingEmbeddedDb(): boolean {
  return !getEnv().DATABASE_URL;
}
