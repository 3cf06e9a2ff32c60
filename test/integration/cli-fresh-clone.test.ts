// `npm run organize` on a fresh clone (issue 14, item 16): lib/generated is not
// committed and npm ci runs no install scripts here, so the command died with
// "Cannot find module '@/lib/generated/prisma/client'". This clones the
// repository's HEAD (git clone: exactly what a user gets) and runs the real
// npm script there. Instead of `npm ci` (minutes, and the registry) the clone
// borrows this checkout's node_modules through a symlink: the installed
// packages are the same locked set, and nothing generated comes with them.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { getEnv } from "@/lib/env";
import { sceneJpeg } from "@/test/helpers/images";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");
const root = mkdtempSync(path.join(tmpdir(), "fresh-clone-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run organize on a fresh clone", () => {
  it("generates the missing Prisma client by itself and organizes the folder", async () => {
    const clone = path.join(root, "clone");
    await run("git", ["clone", "--quiet", "--no-hardlinks", repo, clone]);
    expect(existsSync(path.join(clone, "lib/generated"))).toBe(false);
    symlinkSync(path.join(repo, "node_modules"), path.join(clone, "node_modules"), "dir");
    const source = path.join(root, "photos");
    mkdirSync(source);
    for (let i = 0; i < 3; i++) writeFileSync(path.join(source, `p${i}.jpg`), await sceneJpeg(900 + i, 400, 300));

    const { stdout } = await run("npm", ["run", "--silent", "organize", "--", "--source", source, "--report", path.join(root, "report.json")], {
      cwd: clone,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", DATABASE_URL: getEnv().DATABASE_URL, DATA_DIR: path.join(root, "data"), FACES_ENABLED: "0" },
      timeout: 240_000,
    });
    expect(stdout).toMatch(/running npm run db:generate once/);
    expect(existsSync(path.join(clone, "lib/generated/prisma/client.ts"))).toBe(true);
    const report = JSON.parse(await readFile(path.join(root, "report.json"), "utf8")) as { images: number; failed: number; provider: string };
    expect(report).toMatchObject({ images: 3, failed: 0, provider: "local" });

    // The next run finds the client and says nothing about it.
    const again = await run("npm", ["run", "--silent", "organize", "--", "--source", source], {
      cwd: clone,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", DATABASE_URL: getEnv().DATABASE_URL, DATA_DIR: path.join(root, "data"), FACES_ENABLED: "0" },
      timeout: 240_000,
    });
    expect(again.stdout).not.toMatch(/db:generate/);
  }, 600_000);
});
