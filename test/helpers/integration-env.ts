// Runs before every integration test file (setupFiles): points lib/db at the run's database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.DATA_DIR ??= `/tmp/insta-it-${process.pid}`;
process.env.NEXTAUTH_SECRET ??= "integration-test-secret-0123456789";
