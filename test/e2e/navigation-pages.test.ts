// Issue 14, item 12 in a real browser: the team's Albums page is in the top
// navigation and names each album's set; a missing page answers 404 with a
// page that says what happened; the sign-up and sign-in forms are in the server's HTML (no blank
// page until the script runs).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { uploadJpeg, waitProcessed } from "../helpers/hardening-fixture";
import { sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("navigation and pages that explain", () => {
  it("Albums in the top navigation, grouped by set", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "nav");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Lisbon" } })).json()) as { set: { id: string } };
    const up = (await (await uploadJpeg(r, teamId, set.id, "tram.jpg", await sceneJpeg(501, 400, 300))).json()) as { results: { photoId: string }[] };
    await waitProcessed(r, teamId, set.id);
    await r.post(`/api/teams/${teamId}/albums`, { data: { name: "Trams", setId: set.id, photoIds: [up.results[0]!.photoId] } });
    await r.post(`/api/teams/${teamId}/albums`, { data: { name: "Loose ideas" } });

    await page.goto(`/t/${teamId}`);
    await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Albums" }).click();
    await page.waitForURL(/\/albums$/);
    const groups = await page.getByTestId("album-group").evaluateAll((els) =>
      els.map((g) => ({
        set: g.querySelector('[data-testid="album-group-set"]')?.textContent,
        albums: [...g.querySelectorAll('[data-testid="team-album-name"]')].map((a) => a.textContent),
      })),
    );
    expect(groups.find((g) => g.set === "Lisbon")?.albums).toContain("Trams");
    expect(groups.at(-1)).toEqual({ set: "Not tied to a set", albums: ["Loose ideas"] });
    await context.close();
  });

  it("a missing page and another team's page say so in words, with a 404", async () => {
    const a = await signedInUser(browser, baseUrl, "owner");
    const b = await signedInUser(browser, baseUrl, "stranger");
    for (const [page, url] of [
      [a.page, "/no-such-page"],
      [b.page, `/t/${a.teamId}`],
      [a.page, `/t/${a.teamId}/photos/not-a-photo`],
    ] as const) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBe(404);
      expect(await page.getByTestId("not-found").textContent(), url).toContain("Page not found");
    }
    await a.context.close();
    await b.context.close();
  });

  it("sign-up and sign-in forms come in the server's HTML", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/signup$/);
    // Without scripts, only what the server sent is on the page.
    expect(await page.getByLabel("Email").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Sign up" }).count()).toBe(1);
    await page.goto("/signin?callbackUrl=%2Ft%2Fx");
    expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(1);
    await ctx.close();
  });
});
