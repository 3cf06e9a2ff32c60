// The progress poll as the app server answers it before Next
// (lib/server/progress-poll.ts), over real HTTP with a real next-auth session
// cookie: the same gate and the same answer as the Next route it stands in for.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { authSecret } from "@/lib/auth/secret";
import { db } from "@/lib/db";
import { answerProgressPoll, progressPollParams } from "@/lib/server/progress-poll";
import security from "@/lib/server/security-headers.json";
import { teamWithSet } from "@/test/helpers/ingest-fixture";

// The Next route reads the caller through next/headers; here it is told.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth", async (orig) => ({
  ...(await orig<typeof import("@/lib/auth")>()),
  currentSession: async () => (session.user ? { userId: session.user.id, version: 0 } : null),
}));
const { GET: nextRoute } = await import("@/app/api/teams/[teamId]/sets/[setId]/analysis/route");

let server: Server;
let base: string;
beforeAll(async () => {
  // Requests the fast route does not take get 599, so a test sees the fall-through.
  server = createServer((req, res) => {
    if (!answerProgressPoll(req, res)) res.writeHead(599).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cookieFor = async (userId: string) =>
  `next-auth.session-token=${await encode({ token: { uid: userId, sub: userId }, secret: authSecret() })}`;
const poll = (teamId: string, setId: string, cookie?: string, init: RequestInit = {}) =>
  fetch(`${base}/api/teams/${teamId}/sets/${setId}/analysis`, { ...init, headers: cookie ? { cookie } : {} });

describe("progress poll fast route", () => {
  it("answers a member exactly as the Next route does, with the app's headers", async () => {
    const { user, team, set } = await teamWithSet("VIEWER");
    await db().photo.createMany({
      data: ["QUEUED", "ANALYZED", "FAILED"].map((state, i) => ({
        setId: set.id, teamId: team.id, contentHash: `${set.id}-${i}`.padEnd(64, "0"), originalName: `p${i}.jpg`,
        mimeType: "image/jpeg", sizeBytes: 1000, state: state as "QUEUED" | "ANALYZED" | "FAILED",
      })),
    });
    const res = await poll(team.id, set.id, await cookieFor(user.id));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ setId: set.id, total: 3, done: 2, counts: { QUEUED: 1, ANALYZED: 1, FAILED: 1 } });
    session.user = user;
    const viaNext = await nextRoute(new NextRequest(`${base}/x`), { params: Promise.resolve({ teamId: team.id, setId: set.id }) });
    expect(body).toEqual(await viaNext.json());
    for (const [name, value] of Object.entries(security.headers)) expect(res.headers.get(name)).toBe(value);
    expect(res.headers.get("content-security-policy")).toBe(security.contentSecurityPolicy.join("; "));
    expect(res.headers.get("cache-control")).toBe(viaNext.headers.get("cache-control"));
    expect(res.headers.get("content-type")).toBe("application/json");
  });

  it("refuses callers the gate refuses: no or forged session 401, another team's set 404", async () => {
    const mine = await teamWithSet();
    const theirs = await teamWithSet();
    const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await errorOf(await poll(mine.team.id, mine.set.id))).toEqual([401, "unauthorized"]);
    const forged = `${(await cookieFor(mine.user.id)).slice(0, -4)}AAAA`;
    expect(await errorOf(await poll(mine.team.id, mine.set.id, forged))).toEqual([401, "unauthorized"]);
    const cookie = await cookieFor(mine.user.id);
    expect(await errorOf(await poll(theirs.team.id, theirs.set.id, cookie))).toEqual([404, "not_found"]);
    expect(await errorOf(await poll(mine.team.id, theirs.set.id, cookie))).toEqual([404, "not_found"]);
    const body = await (await poll(theirs.team.id, theirs.set.id, cookie)).text();
    expect(body).not.toContain(theirs.set.id);
  });

  it("takes only a GET of that exact path; everything else falls through to Next", async () => {
    const { user, team, set } = await teamWithSet();
    const cookie = await cookieFor(user.id);
    expect((await poll(team.id, set.id, cookie, { method: "POST" })).status).toBe(599);
    expect((await fetch(`${base}/api/teams/${team.id}/sets/${set.id}/analysis/`, { headers: { cookie } })).status).toBe(599);
    expect((await fetch(`${base}/api/teams/${team.id}/sets/${set.id}/analysis/results`, { headers: { cookie } })).status).toBe(599);
    expect((await fetch(`${base}/api/teams/${team.id}/sets/${set.id}/analysis?x=1`, { headers: { cookie } })).status).toBe(200);
    expect(progressPollParams("GET", "/api/teams/a%20b/sets/c/analysis")).toEqual({ teamId: "a b", setId: "c" });
    expect(progressPollParams("GET", "/api/teams/%E0%A4%A/sets/c/analysis")).toBeNull();
    expect(progressPollParams("HEAD", "/api/teams/a/sets/c/analysis")).toBeNull();
  });
});
