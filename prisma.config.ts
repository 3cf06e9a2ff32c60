// Prisma CLI config. The app itself never runs the Prisma CLI: migrations are
// applied by lib/db/migrate.ts (docs/decisions/001-migrations-without-engine.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
