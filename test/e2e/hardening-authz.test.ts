// Authorization matrix: every page and API route found under app/ (so a new
// route without an entry fails here) x every actor (owner, admin, member,
// viewer, signed out, a member of another team, a share-link visitor) x the
// expected answer, over plain HTTP with real sessions against the running app.
// Also: the outsider acting as a "confused deputy" (their own team id with
// this team's resource ids), no answer to an outsider ever carrying this
// team's data, denied requests changing nothing in the database, and the
// same-origin guard on every state-changing route.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { APIResponse, Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { ACTORS, buildTeamFixture, inviteToken, teamSnapshot, type Actor, type TeamFixture } from "../helpers/hardening-fixture";
import { signedInUser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
const databaseUrl = inject("databaseUrl");
const root = path.resolve(import.meta.dirname, "../..");

type Min = "PUBLIC" | "USER" | "VIEWER" | "MEMBER" | "ADMIN" | "SHARE";
interface Req {
  data?: unknown;
  multipart?: Record<string, { name: string; mimeType: string; buffer: Buffer }>;
  query?: string;
}
interface Spec {
  min: Min;
  /** Status for an allowed actor. Mutations send `bad` (an invalid body) so they prove the gate let them through and change nothing. */
  ok: number;
  bad?: Req;
  /** A valid request: what the confused deputy sends (must be 404 and change nothing). */
  good?: Req;
  /** Per allowed actor: fresh resources to act on (param overrides), for requests that have no invalid variant. */
  fresh?: (f: TeamFixture, actor: Actor) => Promise<Record<string, string>>;
  /** SHARE routes: the answer without the visitor's unlock cookie. */
  locked?: number;
  /** Exact answers that differ from the rule (e.g. a page that redirects signed-in people). */
  override?: Partial<Record<Actor, number>>;
}

const jpegPart = { file: { name: "x.jpg", mimeType: "image/jpeg", buffer: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) } };

// One row per route + method. Keys are file-system routes: `METHOD /path/[param]`.
const TABLE: Record<string, Spec> = {
  // next-auth's own endpoints (public; its POSTs carry next-auth's CSRF token, not route())
  "GET /api/auth/[...nextauth]": { min: "PUBLIC", ok: 200 },
  "POST /api/auth/[...nextauth]": { min: "PUBLIC", ok: 302 },
  "POST /api/signup": { min: "PUBLIC", ok: 400, bad: { data: { email: "not-an-email" } } },
  "POST /api/invitations/accept": { min: "USER", ok: 400, bad: { data: { token: "short" } } },
  "PUT /api/me/team": { min: "USER", ok: 400, bad: { data: { teamId: 42 } } },
  "GET /api/teams": { min: "USER", ok: 200 },
  "POST /api/teams": { min: "USER", ok: 400, bad: { data: { name: "" } } },
  "GET /api/teams/[teamId]": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/members": { min: "VIEWER", ok: 200 },
  "PATCH /api/teams/[teamId]/members/[userId]": {
    min: "ADMIN", ok: 400, bad: { data: { role: "GOD" } }, good: { data: { role: "VIEWER" } },
  },
  "DELETE /api/teams/[teamId]/members/[userId]": {
    // Anyone may leave; removing someone else needs admin. Allowed actors remove a fresh viewer.
    min: "ADMIN", ok: 200, fresh: async (f) => ({ userId: await freshViewer(f) }),
  },
  "GET /api/teams/[teamId]/invitations": { min: "ADMIN", ok: 200 },
  "POST /api/teams/[teamId]/invitations": { min: "ADMIN", ok: 400, bad: { data: { role: "GOD" } } },
  "DELETE /api/teams/[teamId]/invitations/[invitationId]": {
    min: "ADMIN", ok: 200, fresh: async (f) => ({ invitationId: (await inviteToken(f.req("owner"), f.teamId, "VIEWER")).id }),
  },
  "GET /api/teams/[teamId]/sets": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/sets": { min: "MEMBER", ok: 400, bad: { data: { name: 7 } } },
  "GET /api/teams/[teamId]/sets/[setId]": { min: "VIEWER", ok: 200 },
  "DELETE /api/teams/[teamId]/sets/[setId]": { min: "MEMBER", ok: 200, fresh: async (f) => ({ setId: await freshSet(f) }) },
  "GET /api/teams/[teamId]/sets/[setId]/photos": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/sets/[setId]/duplicates": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/sets/[setId]/duplicates": {
    min: "MEMBER", ok: 400, bad: { data: { groupId: 1 } }, good: { data: { groupId: "g", photoId: "p" } },
  },
  "GET /api/teams/[teamId]/sets/[setId]/albums": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/sets/[setId]/analysis": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/sets/[setId]/analysis": {
    min: "MEMBER", ok: 400, bad: { data: { action: "explode" } }, good: { data: { action: "cancel" } },
  },
  "GET /api/teams/[teamId]/sets/[setId]/analysis/results": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/sets/[setId]/export": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/sets/[setId]/uploads": {
    min: "MEMBER", ok: 415, bad: { data: { not: "multipart" } }, good: { multipart: jpegPart },
  },
  "POST /api/teams/[teamId]/sets/[setId]/uploads/check": {
    min: "MEMBER", ok: 400, bad: { data: { hashes: "x" } }, good: { data: { hashes: ["0".repeat(64)] } },
  },
  "GET /api/teams/[teamId]/photos": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/photos": {
    min: "MEMBER", ok: 400, bad: { data: { action: "explode" } }, good: { data: { action: "rate", photoIds: ["x"], rating: 5 } },
  },
  "POST /api/teams/[teamId]/photos/export": {
    min: "VIEWER", ok: 400, bad: { data: { photoIds: [] } }, good: { data: { photoIds: ["x"] } },
  },
  "GET /api/teams/[teamId]/photos/[photoId]": { min: "VIEWER", ok: 200 },
  "PATCH /api/teams/[teamId]/photos/[photoId]": {
    min: "MEMBER", ok: 400, bad: { data: { caption: 5 } }, good: { data: { caption: "pwned" } },
  },
  "POST /api/teams/[teamId]/photos/[photoId]": {
    min: "MEMBER", ok: 400, bad: { data: { action: "explode" } }, good: { data: { action: "reanalyse" } },
  },
  "GET /api/teams/[teamId]/photos/[photoId]/original": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/photos/[photoId]/preview": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/photos/[photoId]/thumb": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/albums": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/albums": { min: "MEMBER", ok: 400, bad: { data: { name: "" } } },
  "GET /api/teams/[teamId]/albums/[albumId]": { min: "VIEWER", ok: 200 },
  "PATCH /api/teams/[teamId]/albums/[albumId]": {
    min: "MEMBER", ok: 400, bad: { data: { name: "" } }, good: { data: { name: "pwned" } },
  },
  "DELETE /api/teams/[teamId]/albums/[albumId]": { min: "MEMBER", ok: 200, fresh: async (f) => ({ albumId: await freshAlbum(f) }) },
  "POST /api/teams/[teamId]/albums/[albumId]/photos": {
    min: "MEMBER", ok: 400, bad: { data: { photoIds: [] } }, good: { data: { photoIds: ["x"] } },
  },
  "DELETE /api/teams/[teamId]/albums/[albumId]/photos": { min: "MEMBER", ok: 400, good: { query: "photoId=[photoId]" } },
  "GET /api/teams/[teamId]/albums/[albumId]/export": { min: "VIEWER", ok: 200 },
  "GET /api/teams/[teamId]/albums/[albumId]/shares": { min: "VIEWER", ok: 200 },
  "POST /api/teams/[teamId]/albums/[albumId]/shares": {
    min: "MEMBER", ok: 400, bad: { data: { password: "a" } }, good: { data: { allowDownload: true } },
  },
  "DELETE /api/teams/[teamId]/albums/[albumId]/shares/[shareId]": {
    min: "MEMBER", ok: 200, fresh: async (f) => ({ shareId: await freshShare(f) }),
  },
  // Public share routes: the visitor holds the unlock cookie, nobody else does (the link has a password).
  "GET /api/share/[token]": { min: "SHARE", ok: 200, locked: 401 },
  "POST /api/share/[token]/unlock": { min: "PUBLIC", ok: 400, bad: { data: { password: 12 } } },
  "GET /api/share/[token]/export": { min: "SHARE", ok: 200, locked: 404 },
  "GET /api/share/[token]/photos/[photoId]/[kind]": { min: "SHARE", ok: 200, locked: 404 },
  // Pages (a GET status check; signed-out visitors are sent to sign-in).
  "GET /": { min: "PUBLIC", ok: 200, override: { owner: 307, admin: 307, member: 307, viewer: 307, outsider: 307 } },
  "GET /signin": { min: "PUBLIC", ok: 200 },
  "GET /signup": { min: "PUBLIC", ok: 200 },
  "GET /invite/[token]": { min: "PUBLIC", ok: 200 },
  "GET /s/[token]": { min: "PUBLIC", ok: 200 },
  "GET /teams/new": { min: "USER", ok: 200 },
  "GET /t/[teamId]": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/members": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/search": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/albums": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/albums/[albumId]": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/photos/[photoId]": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/sets/[setId]": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/sets/[setId]/results": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/sets/[setId]/albums": { min: "VIEWER", ok: 200 },
  "GET /t/[teamId]/sets/[setId]/dashboard": { min: "VIEWER", ok: 200 },
};

const RANK: Record<string, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };
const MIN_RANK: Partial<Record<Min, number>> = { VIEWER: 1, MEMBER: 2, ADMIN: 3 };
const SIGNED_IN: Actor[] = ["owner", "admin", "member", "viewer", "outsider"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/** Every route + method the app serves, read from app/ (route groups `(x)` do not appear in URLs). */
function routesOnDisk(): { key: string; file: string; viaRoute: boolean }[] {
  const out: { key: string; file: string; viaRoute: boolean }[] = [];
  for (const file of walk(path.join(root, "app"))) {
    const rel = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
    const url = "/" + rel.join("/");
    const base = path.basename(file);
    if (base === "page.tsx") out.push({ key: `GET ${url}`, file, viaRoute: true });
    if (base !== "route.ts") continue;
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = (\w+)/g)) {
      out.push({ key: `${m[1]} ${url}`, file, viaRoute: m[2] === "route" });
    }
    for (const m of src.matchAll(/export \{([^}]+)\}/g)) {
      for (const part of m[1]!.matchAll(/as (GET|POST|PUT|PATCH|DELETE)\b/g)) out.push({ key: `${part[1]} ${url}`, file, viaRoute: false });
    }
  }
  return out;
}

function expected(spec: Spec, actor: Actor, isPage: boolean): number {
  const o = spec.override?.[actor];
  if (o !== undefined) return o;
  switch (spec.min) {
    case "PUBLIC":
      return spec.ok;
    case "SHARE":
      return actor === "share" ? spec.ok : (spec.locked ?? 404);
    case "USER":
      return SIGNED_IN.includes(actor) ? spec.ok : isPage ? 307 : 401;
    case "VIEWER":
    case "MEMBER":
    case "ADMIN":
      if (actor === "anon" || actor === "share") return isPage ? 307 : 401;
      if (actor === "outsider") return 404;
      return RANK[actor]! >= MIN_RANK[spec.min]! ? spec.ok : 403;
  }
}

function allowed(spec: Spec, actor: Actor): boolean {
  if (spec.min === "PUBLIC") return true;
  if (spec.min === "SHARE") return actor === "share";
  if (spec.min === "USER") return SIGNED_IN.includes(actor);
  return actor in RANK && RANK[actor]! >= MIN_RANK[spec.min]!;
}

let browser: Browser;
let f: TeamFixture;

async function freshAlbum(fx: TeamFixture): Promise<string> {
  const r = await fx.req("owner").post(`/api/teams/${fx.teamId}/albums`, { data: { name: "throwaway" } });
  return ((await r.json()) as { id: string }).id;
}
async function freshSet(fx: TeamFixture): Promise<string> {
  const r = await fx.req("owner").post(`/api/teams/${fx.teamId}/sets`, { data: { name: "throwaway" } });
  return ((await r.json()) as { set: { id: string } }).set.id;
}
async function freshShare(fx: TeamFixture): Promise<string> {
  const r = await fx.req("owner").post(`/api/teams/${fx.teamId}/albums/${fx.albumId}/shares`, { data: {} });
  return ((await r.json()) as { id: string }).id;
}
async function freshViewer(fx: TeamFixture): Promise<string> {
  const { token } = await inviteToken(fx.req("owner"), fx.teamId, "VIEWER");
  const u = await signedInUser(browser, baseUrl, "leaver");
  await u.context.request.post("/api/invitations/accept", { data: { token } });
  const s = (await (await u.context.request.get("/api/auth/session")).json()) as { user: { id: string } };
  await u.context.close();
  return s.user.id;
}

function fill(pattern: string, ids: Record<string, string>): string {
  return pattern.replace(/\[\.\.\.(\w+)\]|\[(\w+)\]/g, (_, rest: string | undefined, name: string | undefined) => {
    const v = ids[(rest ?? name)!];
    if (v === undefined) throw new Error(`no value for ${rest ?? name} in ${pattern}`);
    return v;
  });
}

function paramsFor(fx: TeamFixture, method: string): Record<string, string> {
  return {
    teamId: fx.teamId,
    setId: fx.setId,
    albumId: fx.albumId,
    photoId: fx.photoIds[0]!,
    shareId: fx.shareId,
    invitationId: "inv-does-not-matter",
    userId: fx.users.admin.id, // viewers and members may not remove the admin (they may only leave themselves)
    token: fx.shareToken,
    kind: "thumb",
    // GET session (JSON, public); POST signout without next-auth's CSRF token (redirects to its confirm page).
    nextauth: method === "GET" ? "session" : "signout",
  };
}

async function send(actor: Actor, method: string, url: string, r: Req | undefined, headers: Record<string, string> = {}): Promise<APIResponse> {
  const full = r?.query ? `${url}?${fill(r.query, paramsFor(f, method))}` : url;
  return f.req(actor).fetch(full, {
    method,
    maxRedirects: 0,
    headers: { accept: url.startsWith("/api/") ? "application/json" : "text/html", ...headers },
    ...(r?.multipart ? { multipart: r.multipart } : r?.data !== undefined ? { data: r.data } : {}),
  });
}

beforeAll(async () => {
  browser = await launchBrowser();
  f = await buildTeamFixture(browser, baseUrl);
  // The invite page shows a pending invitation.
  f.inviteToken = (await inviteToken(f.req("owner"), f.teamId, "VIEWER")).token;
}, 180_000);
afterAll(async () => {
  await f?.close();
  await browser?.close();
});

describe("authorization matrix", () => {
  const disk = routesOnDisk();

  it("has exactly one expectation per route and method on disk", () => {
    const onDisk = disk.map((d) => d.key).sort();
    expect(Object.keys(TABLE).sort()).toEqual(onDisk);
  });

  it("every state-changing API route goes through route() (same-origin check, error mapping)", () => {
    const bypass = disk.filter((d) => !d.viaRoute && !d.key.startsWith("GET ") && !d.key.includes("[...nextauth]"));
    expect(bypass.map((d) => `${d.key} (${d.file})`)).toEqual([]);
  });

  it("the progress poll is answered by the app server's fast route (lib/server/progress-poll.ts), so the matrix checks its gate", async () => {
    // Next's answers carry its Vary list and no content-length; the fast route the reverse.
    const url = fill("/api/teams/[teamId]/sets/[setId]/analysis", paramsFor(f, "GET"));
    for (const actor of ["viewer", "outsider"] as const) {
      const res = await send(actor, "GET", url, undefined);
      expect(res.headers()["vary"], actor).toBeUndefined();
      expect(res.headers()["content-length"], actor).toBeDefined();
    }
  });

  it("denied actors get 401/403/404, change nothing and never see the team's data", async () => {
    const before = await teamSnapshot(databaseUrl, f.teamId);
    const outsiderBefore = await teamSnapshot(databaseUrl, f.outsiderTeamId);
    const failures: string[] = [];
    let checked = 0;
    for (const [key, spec] of Object.entries(TABLE)) {
      const [method, pattern] = key.split(" ") as [string, string];
      const isPage = !pattern.startsWith("/api/");
      for (const actor of ACTORS) {
        if (allowed(spec, actor)) continue;
        const url = fill(pattern, paramsFor(f, method));
        const res = await send(actor, method, url, method === "GET" ? undefined : spec.bad);
        checked++;
        const want = expected(spec, actor, isPage);
        if (res.status() !== want) failures.push(`${key} as ${actor}: ${res.status()} (want ${want})`);
        if (isPage && want === 307 && !/\/signin/.test(res.headers()["location"] ?? "")) {
          failures.push(`${key} as ${actor}: redirect to ${res.headers()["location"]} (want /signin)`);
        }
        const text = await res.text();
        // An id the caller put in the URL may be echoed back (Next's 404 payload carries the path); anything else may not.
        const leaked = f.secrets.filter((s) => text.includes(s) && !url.includes(s));
        if (leaked.length) failures.push(`${key} as ${actor}: answer contains ${leaked.join(", ")}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await teamSnapshot(databaseUrl, f.teamId)).toBe(before);
    expect(await teamSnapshot(databaseUrl, f.outsiderTeamId)).toBe(outsiderBefore);
    console.log(`[authz] denied requests checked: ${checked}`);
  });

  it("the outsider acting through their own team with this team's ids gets 404 and changes nothing", async () => {
    const before = await teamSnapshot(databaseUrl, f.teamId);
    const outsiderBefore = await teamSnapshot(databaseUrl, f.outsiderTeamId);
    const failures: string[] = [];
    for (const [key, spec] of Object.entries(TABLE)) {
      const [method, pattern] = key.split(" ") as [string, string];
      // Only routes that name a resource besides the team can be confused this way.
      if (!/\[teamId\]\/.*\[/.test(pattern)) continue;
      const url = fill(pattern, { ...paramsFor(f, method), teamId: f.outsiderTeamId });
      const res = await send("outsider", method, url, method === "GET" ? undefined : (spec.good ?? spec.bad));
      const text = await res.text();
      if (res.status() !== 404) failures.push(`${key}: ${res.status()} ${text.slice(0, 120)}`);
      const leaked = f.secrets.filter((s) => text.includes(s) && !url.includes(s));
      if (leaked.length) failures.push(`${key}: answer contains ${leaked.join(", ")}`);
    }
    // Pulling this team's photos or set into the outsider's own album, set or team.
    const x = f.req("outsider");
    const into = await x.post(`/api/teams/${f.outsiderTeamId}/albums/${f.outsiderAlbumId}/photos`, { data: { photoIds: f.photoIds } });
    if (into.status() !== 404 && into.status() !== 400) failures.push(`add foreign photos to own album: ${into.status()}`);
    const mk = await x.post(`/api/teams/${f.outsiderTeamId}/albums`, { data: { name: "steal", setId: f.setId, photoIds: f.photoIds } });
    if (mk.status() !== 404 && mk.status() !== 400) failures.push(`create album from foreign set: ${mk.status()}`);
    const sw = await x.put("/api/me/team", { data: { teamId: f.teamId } });
    if (sw.status() !== 404) failures.push(`switch to foreign team: ${sw.status()}`);
    const reorder = await x.patch(`/api/teams/${f.outsiderTeamId}/albums/${f.outsiderAlbumId}`, { data: { order: f.photoIds } });
    if (![400, 404, 409].includes(reorder.status())) failures.push(`reorder own album with foreign photos: ${reorder.status()}`);
    expect(failures).toEqual([]);
    expect(await teamSnapshot(databaseUrl, f.teamId)).toBe(before);
    expect(await teamSnapshot(databaseUrl, f.outsiderTeamId)).toBe(outsiderBefore);
  });

  it("allowed actors get through the gate (invalid bodies answer 400 and change nothing)", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [key, spec] of Object.entries(TABLE)) {
      const [method, pattern] = key.split(" ") as [string, string];
      for (const actor of ACTORS) {
        if (!allowed(spec, actor)) continue;
        const overrides = spec.fresh ? await spec.fresh(f, actor) : {};
        const url = fill(pattern, { ...paramsFor(f, method), ...overrides });
        const res = await send(actor, method, url, method === "GET" ? undefined : spec.bad);
        checked++;
        const want = expected(spec, actor, !pattern.startsWith("/api/"));
        if (res.status() !== want) failures.push(`${key} as ${actor}: ${res.status()} (want ${want}) ${(await res.text()).slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    console.log(`[authz] allowed requests checked: ${checked}`);
  });

  it("state-changing API routes refuse cross-site requests before anything else", async () => {
    const failures: string[] = [];
    for (const [key, spec] of Object.entries(TABLE)) {
      const [method, pattern] = key.split(" ") as [string, string];
      if (method === "GET" || key.includes("[...nextauth]")) continue;
      const url = fill(pattern, paramsFor(f, method));
      const variants: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }, { origin: "null" }];
      for (const headers of variants) {
        const res = await send("owner", method, url, spec.good ?? spec.bad, headers);
        if (res.status() !== 403) failures.push(`${key} with ${JSON.stringify(headers)}: ${res.status()}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
