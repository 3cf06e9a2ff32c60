// Run before the commands that need the generated Prisma client (organize,
// worker, db:migrate): after a plain `npm ci` on a fresh clone it does not
// exist yet (lib/generated is not committed, and npm runs no install scripts
// here), and the command died with "Cannot find module
// '@/lib/generated/prisma/client'". Generating it takes a few seconds, once.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(path.join(root, "lib/generated/prisma/client.ts"))) {
  console.log("The Prisma client is not generated yet (first run after npm ci): running npm run db:generate once.");
  const r = spawnSync(process.execPath, [path.join(root, "scripts/prisma-generate.mjs")], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("Generating the Prisma client failed; run `npm run db:generate` and try again.");
    process.exit(r.status ?? 1);
  }
}
