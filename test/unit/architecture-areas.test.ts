// docs/architecture.md's table of lib/ areas matches the tree (issue 16, item 2):
// every folder of lib/ has its row (a new area without one fails), every row
// names a folder that exists with the index it claims (or has none, for the
// entry-point folders), its "start at" file exists, and the README's layout
// names the same folders.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const GENERATED = "generated"; // the Prisma client, reached only through lib/db

const folders = readdirSync(path.join(root, "lib"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== GENERATED)
  .map((d) => d.name)
  .sort();

/** Rows of the areas table: | `name` (no index)? | owns | `start` | */
function areaRows(): { name: string; noIndex: boolean; start: string }[] {
  const doc = readFileSync(path.join(root, "docs", "architecture.md"), "utf8");
  const section = doc.split(/^## /m).find((s) => s.startsWith("The areas"));
  if (!section) throw new Error('docs/architecture.md has no "## The areas" section');
  return [...section.matchAll(/^\| `([a-z-]+)`( \(no index\))? \|[^\n]*\| `([^`]+)` \|$/gm)].map((m) => ({
    name: m[1]!,
    noIndex: m[2] !== undefined,
    start: m[3]!,
  }));
}

describe("the areas of lib/", () => {
  it("docs/architecture.md has one row per folder of lib/", () => {
    expect(areaRows().map((r) => r.name).sort()).toEqual(folders);
  });

  it("each row says rightly whether the folder is an area (has an index) and its start file exists", () => {
    const wrong = areaRows().flatMap((r) => {
      const dir = path.join(root, "lib", r.name);
      const problems: string[] = [];
      if (existsSync(path.join(dir, "index.ts")) === r.noIndex) problems.push(`${r.name}: index.ts ${r.noIndex ? "exists" : "missing"}`);
      if (!existsSync(path.join(dir, r.start))) problems.push(`${r.name}: no ${r.start}`);
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  it("the README's layout names every folder of lib/", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const layout = readme.slice(readme.indexOf("## How it is built"));
    const named = [...layout.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((m) => m[1]!).sort();
    expect(named).toEqual(folders);
  });
});
