// The README's route table and page list name every route and page in app/:
// a route added without a line there (search, bulk, the selection ZIP, deleting
// a set were) fails here, and so does a line for a route that no longer exists.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** app/ folder -> URL pattern: `[id]` -> `:id`, `[...x]` -> `*`, route groups `(x)` dropped. */
function urlOf(file: string): string {
  const segs = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
  return "/" + segs.map((s) => (s.startsWith("[...") ? "*" : s.replace(/^\[(\w+)\]$/, ":$1"))).join("/");
}

const files = walk(path.join(root, "app"));

function apiOnDisk(): string[] {
  const out: string[] = [];
  for (const file of files.filter((f) => path.basename(f) === "route.ts")) {
    const src = readFileSync(file, "utf8");
    const methods = new Set([...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g), ...src.matchAll(/\bas (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!));
    for (const m of methods) out.push(`${m} ${urlOf(file)}`);
  }
  return out.sort();
}

/** Every "METHOD /path" the README's route table names (`GET/POST` is two; `?query` dropped; `(a|b)` is one parameter). */
function apiInReadme(readme: string): string[] {
  const out: string[] = [];
  for (const m of readme.matchAll(/^\| `([A-Z/]+) (\/[^`]*)` \|/gm)) {
    const url = m[2]!.split("?")[0]!.replace(/\/\([^)]*\)/g, "/:kind");
    for (const method of m[1]!.split("/")) out.push(`${method} ${url}`);
  }
  return out.sort();
}

/** Page URLs as the README's "Pages:" paragraph writes them: full, or `.../tail` after the set's page. */
function pagesInReadme(readme: string): Set<string> {
  const para = /^Pages: [\s\S]*?\n\n/m.exec(readme)?.[0] ?? "";
  return new Set([...para.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^\.\.\./, "/t/:teamId/sets/:setId")));
}

describe("README routes", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");

  it("the route table has every API route and method, and nothing else", () => {
    // The share image route is [kind] on disk and (thumb|preview) in the table.
    const readmeRoutes = apiInReadme(readme);
    expect(readmeRoutes.length).toBeGreaterThan(30);
    expect(readmeRoutes).toEqual(apiOnDisk());
  });

  it("the page list has every page", () => {
    const listed = pagesInReadme(readme);
    const missing = files.filter((f) => path.basename(f) === "page.tsx").map(urlOf).filter((u) => !listed.has(u));
    expect(missing).toEqual([]);
  });
});
