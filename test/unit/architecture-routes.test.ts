// Team-scoped API routes name their role and their ids to route() (issue 16,
// item 4), which runs the membership gate and validates the ids before the
// handler: no handler calls the gate itself (and so cannot forget it), and
// every id in the path is validated. Pages use pageTeamAccess.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES } from "@/lib/teams/roles";

const root = path.resolve(import.meta.dirname, "../..");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Each exported handler of a route file: its method and what it is declared as (up to the handler's arguments). */
function handlers(source: string): { method: string; decl: string }[] {
  return [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = ([^\n]*?)(?:async \(|$)/gm)].map((m) => ({
    method: m[1]!,
    decl: m[2]!,
  }));
}

/** What a handler declaration promises: the role it needs and the ids it validates (null: not a team route() call). */
function teamRoute(decl: string): { role: string; ids: string[] } | null {
  const m = /^route\(\{ role: "(\w+)"(?:, params: \{([^}]*)\})? \},\s*$/.exec(decl);
  if (!m) return null;
  const ids = (m[2] ?? "").split(",").map((s) => s.split(":")[0]!.trim()).filter(Boolean);
  return { role: m[1]!, ids };
}

const teamRoutes = files(path.join(root, "app/api/teams/[teamId]")).filter((f) => path.basename(f) === "route.ts");

describe("team-scoped routes", () => {
  it("finds the team routes", () => {
    expect(teamRoutes.length).toBeGreaterThan(20);
  });

  it.each(teamRoutes.map((f) => [path.relative(root, f), f]))("%s names its role and validates every id of its path", (_rel, file) => {
    const source = readFileSync(file, "utf8");
    const segments = [...path.relative(root, path.dirname(file)).matchAll(/\[(\w+)\]/g)].map((m) => m[1]!).filter((s) => s !== "teamId");
    const found = handlers(source);
    expect(found.length).toBeGreaterThan(0);
    for (const h of found) {
      const r = teamRoute(h.decl);
      expect(r, `${h.method} is declared as route({ role, params }, handler)`).not.toBeNull();
      expect(ROLES as readonly string[]).toContain(r!.role);
      expect(r!.ids.sort(), `${h.method} validates the path's ids`).toEqual([...segments].sort());
    }
  });
});

describe("the gate is the wrapper's", () => {
  it("no file in app/ calls requireTeamRole or checkTeamRole itself", () => {
    const callers = files(path.join(root, "app")).filter((f) => /\b(requireTeamRole|requireTeamRoleOf|checkTeamRole)\(/.test(readFileSync(f, "utf8")));
    expect(callers.map((f) => path.relative(root, f))).toEqual([]);
  });

  it("reads declarations the way the rules above assume", () => {
    const src = [
      'export const GET = route({ role: "VIEWER", params: { albumId: id, shareId: id } }, async (_req, { params }) => {',
      "export const POST = route<P>(async (req, { teamId }) => {",
    ].join("\n");
    const [a, b] = handlers(src);
    expect(teamRoute(a!.decl)).toEqual({ role: "VIEWER", ids: ["albumId", "shareId"] });
    expect(teamRoute(b!.decl)).toBeNull();
  });
});
