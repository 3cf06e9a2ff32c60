// The migration that records the lifecycle's stages (preparedAt, failedStage,
// measuredVersion) fills them from the columns they used to be inferred from, so
// photos from before it read as they did: on the PostgreSQL server and on the
// embedded PGlite database.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR, type SqlRunner } from "@/lib/db/migrate";
import { liteRunner, serverRunner } from "../helpers/sql-runners";

const MIGRATION = "20261205121000_photo_lifecycle_stages";
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** prisma/migrations up to (not including) the lifecycle's. */
function migrationsBefore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "insta-migrations-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < MIGRATION && !n.endsWith(".toml"))) {
    cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

const serverDb = () => serverRunner("lifecycle", cleanups);
const liteDb = () => liteRunner(cleanups);

/** Photos as the code before the migration left them, one per shape. */
const OLD_PHOTOS: { id: string; state: string; width: number | null; sharpness: number | null }[] = [
  { id: "uploaded", state: "UPLOADED", width: null, sharpness: null },
  { id: "processing", state: "PROCESSING", width: null, sharpness: null },
  { id: "queued", state: "QUEUED", width: 800, sharpness: 120 },
  { id: "analysed", state: "ANALYZED", width: 800, sharpness: 80 },
  { id: "skipped", state: "SKIPPED", width: 800, sharpness: 3 },
  { id: "refused", state: "FAILED", width: null, sharpness: null },
  { id: "answerUnusable", state: "FAILED", width: 800, sharpness: 60 },
  { id: "oldScale", state: "ANALYZED", width: 800, sharpness: null },
];

async function check(db: SqlRunner): Promise<void> {
  await migrate(db, migrationsBefore());
  await db.exec(`
    INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('u', 'u@example.test', 'U', 'x');
    INSERT INTO "Team" (id, name) VALUES ('t', 'T');
    INSERT INTO "PhotoSet" (id, "teamId", name, "createdById", "updatedAt") VALUES ('s', 't', 'S', 'u', now());`);
  for (const p of OLD_PHOTOS) {
    await db.query(
      `INSERT INTO "Photo" (id, "setId", "teamId", "contentHash", "originalName", "mimeType", "sizeBytes", state, width, height, sharpness, "createdAt", "updatedAt")
       VALUES ($1, 's', 't', $1, $1 || '.jpg', 'image/jpeg', 1, $2::"PhotoState", $3, $3, $4, '2026-01-02T03:04:05Z', now())`,
      [p.id, p.state, p.width, p.sharpness],
    );
  }
  expect(await migrate(db)).toEqual([MIGRATION]);
  const rows = await db.query<{ id: string; preparedAt: Date | string | null; failedStage: string | null; measuredVersion: number | null }>(
    `SELECT id, "preparedAt", "failedStage"::text AS "failedStage", "measuredVersion" FROM "Photo" ORDER BY id`,
  );
  const byId = Object.fromEntries(rows.map((r) => [r.id, { ...r, preparedAt: r.preparedAt === null ? null : new Date(r.preparedAt).toISOString() }]));
  const at = "2026-01-02T03:04:05.000Z"; // the upload time: when it was prepared is not known
  expect(byId).toEqual({
    uploaded: { id: "uploaded", preparedAt: null, failedStage: null, measuredVersion: null },
    processing: { id: "processing", preparedAt: null, failedStage: null, measuredVersion: null },
    queued: { id: "queued", preparedAt: at, failedStage: null, measuredVersion: 2 },
    analysed: { id: "analysed", preparedAt: at, failedStage: null, measuredVersion: 2 },
    skipped: { id: "skipped", preparedAt: at, failedStage: null, measuredVersion: 2 },
    refused: { id: "refused", preparedAt: null, failedStage: "PIPELINE", measuredVersion: null },
    answerUnusable: { id: "answerUnusable", preparedAt: at, failedStage: "ANALYSIS", measuredVersion: 2 },
    oldScale: { id: "oldScale", preparedAt: at, failedStage: null, measuredVersion: 1 },
  });
}

describe("migration " + MIGRATION, () => {
  it("backfills the stages on the PostgreSQL server", async () => {
    await check(await serverDb());
  }, 120_000);

  it("backfills the stages on embedded PGlite", async () => {
    await check(liteDb());
  }, 120_000);
});
