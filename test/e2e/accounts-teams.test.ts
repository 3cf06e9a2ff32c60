// Issue 2's flows in a real browser: sign up, create a team, invite by link,
// a second user accepts and sees the team, a viewer cannot do a member's
// action, and another team's pages and API answer 404.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newUser, signedInUser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

describe("accounts and teams", () => {
  it("signs up through the form and lands in the personal team", async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    const user = newUser("signup");
    await page.goto("/signup");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/t\/[^/]+$/);
    await expect(page.getByTestId("signed-in-as").textContent()).resolves.toBe(user.name);
    await expect(page.getByTestId("my-role").textContent()).resolves.toBe("owner");

    // Signing out and back in with a wrong password says so; the right one works.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("form-error").waitFor();
    await expect(page.getByTestId("form-error").textContent()).resolves.toContain("Wrong email or password");
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/t\/[^/]+$/);
    await context.close();
  });

  it("creates a team, invites by link, and the invitee joins and sees it", async () => {
    const owner = await signedInUser(browser, baseUrl, "owner");
    const { page } = owner;
    await page.goto("/teams/new");
    await page.getByLabel("Team name").fill("Studio Aurora");
    await page.getByRole("button", { name: "Create team" }).click();
    await page.waitForURL(/\/t\/[^/]+$/);
    const teamId = new URL(page.url()).pathname.split("/")[2]!;
    await expect(page.getByRole("combobox", { name: "Team" }).inputValue()).resolves.toBe(teamId);

    await page.goto(`/t/${teamId}/members`);
    await page.getByLabel("Role", { exact: true }).selectOption("MEMBER");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const link = await page.getByTestId("invite-link").inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);

    // The invitee has no account yet: sign up from the invitation, then accept.
    const invitee = newUser("invitee");
    const ctx2 = await browser.newContext({ baseURL: baseUrl });
    const p2 = await ctx2.newPage();
    await p2.goto(link);
    await expect(p2.getByRole("heading", { name: "Join Studio Aurora" }).isVisible()).resolves.toBe(true);
    await p2.getByRole("link", { name: "Sign up to join" }).click();
    await p2.getByLabel("Name").fill(invitee.name);
    await p2.getByLabel("Email").fill(invitee.email);
    await p2.getByLabel("Password").fill(invitee.password);
    await p2.getByRole("button", { name: "Sign up" }).click();
    await p2.waitForURL(/\/invite\//);
    await p2.getByRole("button", { name: "Accept invitation" }).click();
    await p2.waitForURL(`${baseUrl}/t/${teamId}`);
    await expect(p2.getByTestId("my-role").textContent()).resolves.toBe("member");

    // The link is single-use.
    const ctx3 = await browser.newContext({ baseURL: baseUrl });
    const p3 = await ctx3.newPage();
    await p3.goto(link);
    await expect(p3.getByRole("heading", { name: "This invitation cannot be used" }).isVisible()).resolves.toBe(true);

    // The owner sees the new member.
    await page.goto(`/t/${teamId}/members`);
    await expect(page.getByTestId(`member-${invitee.email}`).isVisible()).resolves.toBe(true);
    await Promise.all([owner.context.close(), ctx2.close(), ctx3.close()]);
  });

  it("a viewer can look but cannot do a member's action", async () => {
    const owner = await signedInUser(browser, baseUrl, "owner");
    const inv = await owner.context.request.post(`/api/teams/${owner.teamId}/invitations`, { data: { role: "VIEWER" } });
    expect(inv.status()).toBe(201);
    const { url } = (await inv.json()) as { url: string };
    const viewer = await signedInUser(browser, baseUrl, "viewer");
    const token = url.split("/invite/")[1];
    const acc = await viewer.context.request.post("/api/invitations/accept", { data: { token } });
    expect(acc.status()).toBe(200);

    await viewer.page.goto(`/t/${owner.teamId}`);
    await expect(viewer.page.getByTestId("my-role").textContent()).resolves.toBe("viewer");
    await expect(viewer.page.getByRole("button", { name: "Create set" }).count()).resolves.toBe(0);
    const create = await viewer.context.request.post(`/api/teams/${owner.teamId}/sets`, { data: { name: "nope" } });
    expect(create.status()).toBe(403);
    const invite = await viewer.context.request.post(`/api/teams/${owner.teamId}/invitations`, { data: { role: "VIEWER" } });
    expect(invite.status()).toBe(403);
    await viewer.page.goto(`/t/${owner.teamId}/members`);
    await expect(viewer.page.getByRole("button", { name: "Create invitation link" }).count()).resolves.toBe(0);
    await Promise.all([owner.context.close(), viewer.context.close()]);
  });

  it("a user of team A gets 404 on team B's pages and API", async () => {
    const a = await signedInUser(browser, baseUrl, "alice");
    const b = await signedInUser(browser, baseUrl, "bob");
    const page = await a.page.goto(`/t/${b.teamId}`);
    expect(page?.status()).toBe(404);
    expect((await a.page.goto(`/t/${b.teamId}/members`))?.status()).toBe(404);
    for (const path of [`/api/teams/${b.teamId}`, `/api/teams/${b.teamId}/members`, `/api/teams/${b.teamId}/invitations`]) {
      expect((await a.context.request.get(path)).status(), path).toBe(404);
    }
    const post = await a.context.request.post(`/api/teams/${b.teamId}/invitations`, { data: { role: "OWNER" } });
    expect(post.status()).toBe(404);
    const switchTeam = await a.context.request.put("/api/me/team", { data: { teamId: b.teamId } });
    expect(switchTeam.status()).toBe(404);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
