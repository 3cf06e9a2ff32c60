// npm run db:migrate - apply pending migrations to DATABASE_URL or the embedded database.
import { closeDb, ensureMigrated, usingEmbeddedDb } from "@/lib/db";

async function main(): Promise<void> {
  const applied = await ensureMigrated();
  const where = usingEmbeddedDb() ? "embedded database" : "DATABASE_URL";
  console.log(applied.length ? `Applied to ${where}: ${applied.join(", ")}` : `${where} is up to date.`);
  await closeDb();
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
