// A populated team for the hardening browser suites, built through the real
// API: an owner, an admin, a member and a viewer (invited and accepted), an
// outsider with a team of their own, a set with processed photos, a custom
// album and a password-protected share link that a signed-out visitor has
// unlocked. Every request goes over plain HTTP (playwright's APIRequestContext).
import { randomBytes } from "node:crypto";
import type { APIRequestContext, Browser, BrowserContext } from "playwright-core";
import pg from "pg";
import { signedInUser, type TestUser } from "./browser";
import { sceneJpeg } from "./images";

export type Actor = "owner" | "admin" | "member" | "viewer" | "anon" | "outsider" | "share";
export const ACTORS: Actor[] = ["owner", "admin", "member", "viewer", "anon", "outsider", "share"];

export interface TeamFixture {
  teamId: string;
  setId: string;
  albumId: string;
  photoIds: string[];
  shareId: string;
  shareToken: string;
  sharePassword: string;
  inviteToken: string;
  /** Names unique to this team; another team's answers must never contain them. */
  secrets: string[];
  users: Record<"owner" | "admin" | "member" | "viewer" | "outsider", { id: string; user: TestUser }>;
  outsiderTeamId: string;
  outsiderSetId: string;
  outsiderAlbumId: string;
  contexts: Record<Actor, BrowserContext>;
  req: (actor: Actor) => APIRequestContext;
  close: () => Promise<void>;
}

async function json<T>(res: { status(): number; text(): Promise<string> }, want: number, what: string): Promise<T> {
  const text = await res.text();
  if (res.status() !== want) throw new Error(`${what}: expected ${want}, got ${res.status()} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function userId(ctx: BrowserContext): Promise<string> {
  const s = (await (await ctx.request.get("/api/auth/session")).json()) as { user?: { id?: string } };
  if (!s.user?.id) throw new Error("no user id in session");
  return s.user.id;
}

/** An invitation link token for `role`, created by `admin` in `teamId`. */
export async function inviteToken(admin: APIRequestContext, teamId: string, role: string): Promise<{ token: string; id: string }> {
  const inv = await json<{ url: string; id?: string; invitation?: { id: string } }>(
    await admin.post(`/api/teams/${teamId}/invitations`, { data: { role } }),
    201,
    `invite ${role}`,
  );
  const token = inv.url.split("/invite/")[1] ?? "";
  return { token, id: inv.id ?? inv.invitation?.id ?? "" };
}

export async function uploadJpeg(r: APIRequestContext, teamId: string, setId: string, name: string, buffer: Buffer) {
  return r.post(`/api/teams/${teamId}/sets/${setId}/uploads`, {
    multipart: { file: { name, mimeType: "image/jpeg", buffer } },
  });
}

/** Waits until no photo of the set is still being decoded (UPLOADED / PROCESSING). */
export async function waitProcessed(r: APIRequestContext, teamId: string, setId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { photos } = await json<{ photos: { state: string }[] }>(
      await r.get(`/api/teams/${teamId}/sets/${setId}/photos?limit=200`),
      200,
      "list photos",
    );
    if (photos.every((p) => p.state !== "UPLOADED" && p.state !== "PROCESSING")) return;
    if (Date.now() > deadline) throw new Error(`photos still processing: ${JSON.stringify(photos)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

export async function buildTeamFixture(browser: Browser, baseUrl: string): Promise<TeamFixture> {
  const tag = randomBytes(4).toString("hex");
  const owner = await signedInUser(browser, baseUrl, "owner");
  const o = owner.context.request;
  const { team } = await json<{ team: { id: string } }>(
    await o.post("/api/teams", { data: { name: `Secret team ${tag}` } }),
    201,
    "create team",
  );
  const teamId = team.id;

  const joined: Partial<Record<"admin" | "member" | "viewer", { ctx: BrowserContext; user: TestUser }>> = {};
  for (const role of ["admin", "member", "viewer"] as const) {
    const { token } = await inviteToken(o, teamId, role.toUpperCase());
    const u = await signedInUser(browser, baseUrl, role);
    await json(await u.context.request.post("/api/invitations/accept", { data: { token } }), 200, `accept ${role}`);
    await u.page.close();
    joined[role] = { ctx: u.context, user: u.user };
  }
  const outsider = await signedInUser(browser, baseUrl, "outsider");
  await Promise.all([owner.page.close(), outsider.page.close()]);

  const { set } = await json<{ set: { id: string } }>(
    await o.post(`/api/teams/${teamId}/sets`, { data: { name: `secret-set-${tag}` } }),
    200,
    "create set",
  );
  const setId = set.id;
  const photoIds: string[] = [];
  for (const seed of [11, 12]) {
    const res = await uploadJpeg(o, teamId, setId, `secret-photo-${tag}-${seed}.jpg`, await sceneJpeg(seed + Number.parseInt(tag.slice(0, 4), 16), 320, 240));
    const body = await json<{ results: { photoId: string }[] }>(res, 200, "upload");
    photoIds.push(body.results[0]!.photoId);
  }
  await waitProcessed(o, teamId, setId);

  const album = await json<{ id: string }>(
    await o.post(`/api/teams/${teamId}/albums`, { data: { name: `secret-album-${tag}`, setId, photoIds } }),
    200,
    "create album",
  );
  const sharePassword = `share-${tag}`;
  const share = await json<{ id: string; token: string }>(
    await o.post(`/api/teams/${teamId}/albums/${album.id}/shares`, { data: { password: sharePassword, allowDownload: true } }),
    200,
    "create share",
  );
  const visitor = await browser.newContext({ baseURL: baseUrl });
  await json(await visitor.request.post(`/api/share/${share.token}/unlock`, { data: { password: sharePassword } }), 200, "unlock");
  const anon = await browser.newContext({ baseURL: baseUrl });
  const pending = await inviteToken(o, teamId, "VIEWER");

  // The outsider's own team holds a set and an album, targets for "confused deputy" requests.
  const xr = outsider.context.request;
  const xs = await json<{ set: { id: string } }>(
    await xr.post(`/api/teams/${outsider.teamId}/sets`, { data: { name: "outsider set" } }),
    200,
    "outsider set",
  );
  const xa = await json<{ id: string }>(
    await xr.post(`/api/teams/${outsider.teamId}/albums`, { data: { name: "outsider album" } }),
    200,
    "outsider album",
  );

  const contexts: Record<Actor, BrowserContext> = {
    owner: owner.context,
    admin: joined.admin!.ctx,
    member: joined.member!.ctx,
    viewer: joined.viewer!.ctx,
    anon,
    outsider: outsider.context,
    share: visitor,
  };
  const ids = await Promise.all(
    (["owner", "admin", "member", "viewer", "outsider"] as const).map(async (a) => [a, await userId(contexts[a])] as const),
  );
  const users = Object.fromEntries(
    ids.map(([a, id]) => [a, { id, user: a === "owner" ? owner.user : a === "outsider" ? outsider.user : joined[a]!.user }]),
  ) as TeamFixture["users"];
  return {
    teamId,
    setId,
    albumId: album.id,
    photoIds,
    shareId: share.id,
    shareToken: share.token,
    sharePassword,
    inviteToken: pending.token,
    secrets: [`secret-set-${tag}`, `secret-album-${tag}`, `secret-photo-${tag}`, `Secret team ${tag}`, ...photoIds],
    users,
    outsiderTeamId: outsider.teamId,
    outsiderSetId: xs.set.id,
    outsiderAlbumId: xa.id,
    contexts,
    req: (actor) => contexts[actor].request,
    close: async () => {
      await Promise.all(Object.values(contexts).map((c) => c.close()));
    },
  };
}

/**
 * What a person could have changed in a team, read straight from the database:
 * names, memberships, edits, album contents, links and invitations. Photo
 * state is left out (the workers move it on their own).
 */
export async function teamSnapshot(databaseUrl: string, teamId: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const q = async (sql: string) => JSON.stringify((await client.query(sql, [teamId])).rows);
    return [
      await q(`SELECT name, personal FROM "Team" WHERE id = $1`),
      await q(`SELECT "userId", role FROM "Membership" WHERE "teamId" = $1 ORDER BY "userId"`),
      await q(`SELECT id, name, status FROM "PhotoSet" WHERE "teamId" = $1 ORDER BY id`),
      await q(`SELECT id, "setId", "originalName", "userCaption", "userHashtags", "userCategory", "forceAnalyze", "duplicateGroupId"
               FROM "Photo" WHERE "teamId" = $1 ORDER BY id`),
      await q(`SELECT a.id, a.name, a.kind, a."orderedByHand",
                 (SELECT json_agg(json_build_array(p."photoId", p.position) ORDER BY p.position) FROM "AlbumPhoto" p WHERE p."albumId" = a.id) AS photos
               FROM "Album" a WHERE a."teamId" = $1 AND a.kind IN ('CUSTOM', 'CAROUSEL') ORDER BY a.id`),
      await q(`SELECT id, "revokedAt", "passwordHash", "allowDownload", "expiresAt" FROM "ShareLink" WHERE "teamId" = $1 ORDER BY id`),
      await q(`SELECT id, role, "revokedAt", "acceptedAt" FROM "Invitation" WHERE "teamId" = $1 ORDER BY id`),
    ].join("\n");
  } finally {
    await client.end();
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
