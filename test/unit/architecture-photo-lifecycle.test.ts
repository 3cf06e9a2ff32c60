// One module owns the photo lifecycle (issue 16, item 1): lib/photos/lifecycle.ts
// writes Photo.state, as named transitions, and nothing else in lib/ or app/
// does - not a Prisma update with `state` in its data, not a raw UPDATE "Photo"
// that sets state. docs/architecture.md draws every transition the module names.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TRANSITIONS } from "@/lib/photos/lifecycle";

const root = path.resolve(import.meta.dirname, "../..");
const LIFECYCLE = path.join("lib", "photos", "lifecycle.ts");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : sources(p);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) ? [p] : [];
  });
}

/** The text from `open` (an index of "(" or "{") to its matching closer; strings and comments are not parsed, which is enough here. */
function balanced(text: string, open: number): string {
  const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

const STATE_KEY = /(?:^|[{,\s])(?:state|"state"|'state')\s*:/;

/** Lines of `source` where a photo's state is written: Prisma photo writes with state in their data, and raw UPDATE "Photo" ... SET state. */
export function stateWrites(source: string): number[] {
  const lines: number[] = [];
  const lineOf = (i: number) => source.slice(0, i).split("\n").length;
  for (const m of source.matchAll(/\.photo\s*\.\s*(?:update|updateMany|upsert|create|createMany|createManyAndReturn|updateManyAndReturn)\s*\(/g)) {
    const call = balanced(source, m.index + m[0].length - 1);
    const data = /\b(data|update|create)\s*(:|[,}])/g;
    let hit = false;
    for (const d of call.matchAll(data)) {
      if (d[2] === ":") {
        const after = call.slice(d.index + d[0].length).trimStart();
        if (after.startsWith("{") || after.startsWith("[")) {
          if (STATE_KEY.test(balanced(after, 0))) hit = true;
          continue;
        }
        // data: someVariable - look at what the file assigns to it.
        const name = /^[A-Za-z_$][\w$]*/.exec(after)?.[0];
        if (name && new RegExp(`\\b${name}\\s*\\.\\s*state\\s*=|\\b${name}\\s*\\[\\s*["']state["']\\s*\\]\\s*=`).test(source)) hit = true;
      } else if (new RegExp(`\\b${d[1]}\\s*\\.\\s*state\\s*=`).test(source)) {
        hit = true; // shorthand { data }
      }
    }
    if (hit) lines.push(lineOf(m.index));
  }
  for (const m of source.matchAll(/UPDATE\s+"Photo"(?:\s+(?:AS\s+)?\w+)?\s+SET\b([\s\S]*?)(?:\bFROM\b|\bWHERE\b|\bRETURNING\b|`|$)/gi)) {
    if (/(?:^|[\s,(.])(?:state|"state")\s*=/i.test(m[1]!)) lines.push(lineOf(m.index));
  }
  return lines;
}

describe("the photo lifecycle", () => {
  it("finds state writes in each form they take, and leaves other writes alone", () => {
    expect(stateWrites(`await db().photo.update({ where: { id }, data: { state: "QUEUED" } });`)).toEqual([1]);
    expect(stateWrites(`await tx.photo.updateMany({\n  where: { state: "SKIPPED" },\n  data: { forceAnalyze: true, state: "QUEUED" },\n});`)).toEqual([1]);
    expect(stateWrites(`const data: Prisma.PhotoUpdateInput = {};\ndata.state = "FAILED";\nawait db().photo.update({ where: { id }, data });`)).toEqual([3]);
    expect(stateWrites("await db().$executeRaw`UPDATE \"Photo\" p SET \"leaseOwner\" = NULL, state = 'QUEUED' WHERE p.id = ${id}`;")).toEqual([1]);
    expect(stateWrites("`UPDATE \"Photo\"\n    SET state = v.state::\"PhotoState\"\n FROM x`")).toEqual([1]);
    // Reading or filtering by state, or writing other columns, is not a transition.
    expect(stateWrites(`await db().photo.updateMany({ where: { state: "SKIPPED" }, data: { rating: 5, stateReason: null } });`)).toEqual([]);
    expect(stateWrites("`UPDATE \"Photo\" SET \"leaseExpiresAt\" = now(), \"stateReason\" = 'x' WHERE state = 'PROCESSING'`")).toEqual([]);
    expect(stateWrites(`await db().photo.findMany({ where: { state: "QUEUED" } });`)).toEqual([]);
  });

  it("is written only by lib/photos/lifecycle.ts", () => {
    const offenders = [...sources(path.join(root, "lib")), ...sources(path.join(root, "app"))]
      .filter((f) => path.relative(root, f) !== LIFECYCLE)
      .flatMap((f) => stateWrites(readFileSync(f, "utf8")).map((line) => `${path.relative(root, f)}:${line}`));
    expect(offenders).toEqual([]);
    // The module itself is seen by the same check (so the check is not blind to it).
    expect(stateWrites(readFileSync(path.join(root, LIFECYCLE), "utf8")).length).toBeGreaterThanOrEqual(10);
  });

  it("docs/architecture.md draws every transition", () => {
    const doc = readFileSync(path.join(root, "docs", "architecture.md"), "utf8");
    const missing = Object.keys(TRANSITIONS).filter((name) => !new RegExp(`\\b${name}\\b`).test(doc));
    expect(missing).toEqual([]);
  });
});
