// Integration tests share one fresh database per run, migrated once here.
import type { TestProject } from "vitest/node";
import { createDatabase, dropDatabase } from "./pg";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { name, url } = await createDatabase("it");
  process.env.DATABASE_URL = url;
  const { ensureMigrated, closeDb } = await import("@/lib/db");
  await ensureMigrated();
  await closeDb();
  project.provide("databaseUrl", url);
  return async () => {
    if (!process.env.KEEP_TEST_DB) await dropDatabase(name);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
