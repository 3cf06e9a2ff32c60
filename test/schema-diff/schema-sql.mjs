// Prints the SQL Prisma would create for prisma/schema.prisma on an empty
// PostgreSQL database, using Prisma 6's WASM schema engine (Prisma 7's CLI wants
// a native engine this machine cannot download). Used by the drift test and as
// a reference when writing a new migration: `node test/schema-diff/schema-sql.mjs`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

export function schemaSql() {
  const dir = mkdtempSync(path.join(tmpdir(), "schema-sql-"));
  const schema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8")
    .replace(/^\s*output\s*=.*$/m, "")
    .replace(/^\s*moduleFormat\s*=.*$/m, "")
    .replace('provider     = "prisma-client"', 'provider = "prisma-client-js"')
    .replace(/datasource db \{([^}]*)\}/, 'datasource db {$1  url = "postgresql://unused"\n}');
  writeFileSync(path.join(dir, "schema.prisma"), schema);
  // The adapter is what switches Prisma 6 to its WASM engine; it connects but changes nothing.
  writeFileSync(
    path.join(dir, "prisma.config.mjs"),
    `import { PrismaPg } from ${JSON.stringify(path.join(here, "node_modules/@prisma/adapter-pg/dist/index.mjs"))};
export default { experimental: { adapter: true }, engine: "js", schema: "schema.prisma",
  adapter: async () => new PrismaPg({ connectionString: ${JSON.stringify(process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test")} }) };\n`,
  );
  const bogus = path.join(dir, "schema.prisma"); // any existing file: the native engines are never run
  const r = spawnSync(
    process.execPath,
    [path.join(here, "node_modules/prisma/build/index.js"), "migrate", "diff", "--config", "prisma.config.mjs",
      "--from-empty", "--to-schema-datamodel", "schema.prisma", "--script"],
    {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: bogus, PRISMA_SCHEMA_ENGINE_BINARY: bogus,
        PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    },
  );
  if (r.status !== 0) throw new Error(`prisma migrate diff failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(schemaSql());
