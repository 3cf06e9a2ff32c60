// A new embedded database is unpacked from the committed template instead of
// running initdb in-process (lib/db/pglite.ts: initdb alone peaked at ~740 MB).
// Fails after a PGlite upgrade until `npm run db:pglite-template` is run.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite, pgliteVersion, templatePath } from "@/lib/db/pglite";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function systemIdentifier(): Promise<{ id: string; sharedBuffers: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "insta-pglite-tpl-"));
  dirs.push(dir);
  const lite = openPglite(dir);
  try {
    const [row] = (await lite.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()")).rows;
    const [sb] = (await lite.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows;
    return { id: row!.id, sharedBuffers: sb!.shared_buffers };
  } finally {
    await lite.close();
  }
}

describe("embedded database template", () => {
  it("exists for the installed PGlite version", () => {
    const version = pgliteVersion();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(templatePath(version!))).toBe(true);
  });

  it("is what new databases are made from (initdb would give each its own system identifier)", async () => {
    const a = await systemIdentifier();
    const b = await systemIdentifier();
    expect(a.id).toBe(b.id);
    expect(a.sharedBuffers).toBe("16MB");
  }, 60_000); // two WebAssembly Postgres starts: ~2 s each on a quiet machine, far more on a busy one
});
