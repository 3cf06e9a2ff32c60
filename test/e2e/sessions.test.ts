// Sessions end when they should. The session cookie is a stateless token valid
// for 30 days; signing out used only to delete it from the browser, so a copy
// (a shared computer, a stolen cookie) kept working. Here a copy is replayed
// after sign-out against every kind of check: next-auth's session endpoint, an
// API route, a page, and the dashboard's progress poll (lib/server/progress-poll.ts,
// which bypasses Next).
import type { Browser, BrowserContext, Cookie } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser, signInViaApi } from "../helpers/browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function sessionCookies(context: BrowserContext): Promise<Cookie[]> {
  const all = await context.cookies();
  const session = all.filter((c) => c.name.includes("next-auth.session-token"));
  expect(session.length).toBeGreaterThan(0);
  return session;
}

/** What a client holding these cookies (and nothing else) is answered. */
async function replay(cookies: Cookie[], teamId: string, setId: string) {
  const thief = await browser.newContext({ baseURL: baseUrl });
  await thief.addCookies(cookies);
  const r = thief.request;
  const result = {
    session: (await (await r.get("/api/auth/session")).json()) as { user?: unknown },
    teams: (await r.get("/api/teams")).status(),
    sets: (await r.get(`/api/teams/${teamId}/sets`)).status(),
    poll: (await r.get(`/api/teams/${teamId}/sets/${setId}/analysis`)).status(),
    page: (await r.get(`/t/${teamId}`, { maxRedirects: 0 })).headers()["location"] ?? "",
  };
  await thief.close();
  return result;
}

async function newSet(context: BrowserContext, teamId: string): Promise<string> {
  const res = await context.request.post(`/api/teams/${teamId}/sets`, { data: { name: "trip" } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { set: { id: string } }).set.id;
}

describe("sessions end", () => {
  it("signing out makes a copied session cookie useless", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "signout");
    const setId = await newSet(context, teamId);
    const copied = await sessionCookies(context);

    // The copy works while the session lives.
    const before = await replay(copied, teamId, setId);
    expect(before).toMatchObject({ teams: 200, sets: 200, poll: 200, page: "" });
    expect(before.session.user).toBeDefined();

    await page.goto(`/t/${teamId}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);

    const after = await replay(copied, teamId, setId);
    expect(after.session.user).toBeUndefined();
    expect(after).toMatchObject({ teams: 401, sets: 401, poll: 401 });
    expect(after.page).toContain("/signin");
    await context.close();
  });

  it("signing out ends the account's other sessions too, and signing in again works", async () => {
    const first = await signedInUser(browser, baseUrl, "devices");
    const setId = await newSet(first.context, first.teamId);
    const second = await browser.newContext({ baseURL: baseUrl });
    await signInViaApi(second, baseUrl, first.user);
    expect((await second.request.get("/api/teams")).status()).toBe(200);

    const { csrfToken } = (await (await first.context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await first.context.request.post("/api/auth/signout", { form: { csrfToken, json: "true" } });

    expect((await second.request.get("/api/teams")).status()).toBe(401);
    expect((await second.request.get(`/api/teams/${first.teamId}/sets/${setId}/analysis`)).status()).toBe(401);
    await signInViaApi(second, baseUrl, first.user);
    expect((await second.request.get("/api/teams")).status()).toBe(200);
    await Promise.all([first.context.close(), second.close()]);
  });

  it("a member removed from a team loses it at once, keeps the rest of the session", async () => {
    const owner = await signedInUser(browser, baseUrl, "remover");
    const member = await signedInUser(browser, baseUrl, "removed");
    const setId = await newSet(owner.context, owner.teamId);
    const inv = (await (await owner.context.request.post(`/api/teams/${owner.teamId}/invitations`, { data: { role: "MEMBER" } })).json()) as {
      url: string;
    };
    const token = new URL(inv.url).pathname.split("/").pop()!;
    expect((await member.context.request.post("/api/invitations/accept", { data: { token } })).status()).toBe(200);
    expect((await member.context.request.get(`/api/teams/${owner.teamId}/sets`)).status()).toBe(200);
    expect((await member.context.request.get(`/api/teams/${owner.teamId}/sets/${setId}/analysis`)).status()).toBe(200);

    const me = (await (await member.context.request.get("/api/auth/session")).json()) as { user: { id: string } };
    expect((await owner.context.request.delete(`/api/teams/${owner.teamId}/members/${me.user.id}`)).status()).toBe(200);

    expect((await member.context.request.get(`/api/teams/${owner.teamId}/sets`)).status()).toBe(404);
    expect((await member.context.request.get(`/api/teams/${owner.teamId}/sets/${setId}/analysis`)).status()).toBe(404);
    expect((await member.context.request.get(`/t/${owner.teamId}`, { maxRedirects: 0 })).status()).toBe(404);
    expect((await member.context.request.get(`/api/teams/${member.teamId}/sets`)).status()).toBe(200);
    await Promise.all([owner.context.close(), member.context.close()]);
  });
});
