// npm run db:pglite-template - (re)makes prisma/pglite-template-<version>.tar.gz,
// the empty database a new embedded database is unpacked from (why: lib/db/pglite.ts).
// Run it after upgrading @electric-sql/pglite and commit the new file; the old
// one is removed. It is initdb's output only (no tables of ours): migrations
// are applied on top as for any database.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { INITDB_PARAMS, pgliteVersion, templatePath } from "@/lib/db/pglite";

async function main(): Promise<void> {
  const version = pgliteVersion();
  if (!version) throw new Error("cannot read the installed @electric-sql/pglite version");
  // In memory: initdb's data directory, exactly as PGlite would create it on disk.
  const lite = new PGlite({ initDbStartParams: INITDB_PARAMS });
  await lite.waitReady;
  const tarball = await lite.dumpDataDir("gzip");
  await lite.close();
  const file = templatePath(version);
  for (const old of readdirSync(path.dirname(file))) {
    if (/^pglite-template-.*\.tar\.gz$/.test(old)) rmSync(path.join(path.dirname(file), old));
  }
  writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  console.log(`Wrote ${path.relative(process.cwd(), file)} (${(tarball.size / 2 ** 20).toFixed(1)} MB).`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
