// Issue 14, item 9: the results filters live in the URL and the browser's Back
// and Forward walk through them - each choice is a step, a burst of typing is
// one, and Back from a photo shows the filters last chosen. An empty custom
// album says how to fill it, and the way it names works.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { uploadJpeg, waitProcessed } from "../helpers/hardening-fixture";
import { sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
const SLOW = { timeout: 20_000, interval: 200 };
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const tileNames = (page: Page) =>
  page.locator('[data-testid="results-grid"] > li').evaluateAll((els) => els.map((e) => e.querySelector(".truncate")?.textContent ?? ""));
const query = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams.entries());

describe("results filters and the Back button", () => {
  it("Back and Forward step through the filters; Back from a photo keeps them", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "history");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Rome" } })).json()) as { set: { id: string } };
    for (const [i, name] of ["cortile.jpg", "arco.jpg", "basilica.jpg"].entries()) {
      expect((await uploadJpeg(r, teamId, set.id, name, await sceneJpeg(1500 + i, 400, 300))).status()).toBe(200);
    }
    await waitProcessed(r, teamId, set.id);

    await page.goto(`/t/${teamId}/sets/${set.id}/results`);
    await expect.poll(() => page.getByTestId("results-total").textContent(), SLOW).toBe("3 photos");

    // Two choices: two steps in the history.
    await page.getByTestId("sort").selectOption("name");
    await expect.poll(() => tileNames(page), SLOW).toEqual(["arco.jpg", "basilica.jpg", "cortile.jpg"]);
    expect(query(page)).toEqual({ sort: "name" });
    await page.getByTestId("filter-flag").selectOption("picked");
    await page.getByTestId("results-empty").waitFor();
    expect(query(page)).toEqual({ sort: "name", flag: "picked" });

    // Typing is one step, however many keys.
    await page.getByTestId("search-input").pressSequentially("zzz");
    await expect.poll(() => query(page), SLOW).toEqual({ sort: "name", flag: "picked", q: "zzz" });

    await page.goBack();
    await expect.poll(() => query(page), SLOW).toEqual({ sort: "name", flag: "picked" });
    expect(await page.getByTestId("search-input").inputValue()).toBe("");
    await page.goBack();
    await expect.poll(() => query(page), SLOW).toEqual({ sort: "name" });
    expect(await page.getByTestId("filter-flag").inputValue()).toBe("");
    await expect.poll(() => tileNames(page), SLOW).toEqual(["arco.jpg", "basilica.jpg", "cortile.jpg"]);
    await page.goForward();
    await expect.poll(() => query(page), SLOW).toEqual({ sort: "name", flag: "picked" });
    expect(await page.getByTestId("filter-flag").inputValue()).toBe("picked");
    await page.getByTestId("results-empty").waitFor();

    // Choose again, open a photo, come Back: the filters last chosen, not those the page was loaded with.
    await page.getByTestId("filter-flag").selectOption("");
    await page.getByTestId("sort").selectOption("takenAt");
    await page.getByTestId("sort").selectOption("name");
    await expect.poll(() => tileNames(page), SLOW).toEqual(["arco.jpg", "basilica.jpg", "cortile.jpg"]);
    await page.getByRole("link", { name: "basilica.jpg" }).first().click();
    await page.waitForURL(/\/photos\//);
    await page.goBack();
    await page.waitForURL(/\/results/);
    expect(query(page)).toEqual({ sort: "name" });
    expect(await page.getByTestId("sort").inputValue()).toBe("name");
    await expect.poll(() => tileNames(page), SLOW).toEqual(["arco.jpg", "basilica.jpg", "cortile.jpg"]);
    await context.close();
  });

  it("an empty custom album says how to fill it, and that way fills it", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "empty-album");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Naples" } })).json()) as { set: { id: string } };
    expect((await uploadJpeg(r, teamId, set.id, "pizza.jpg", await sceneJpeg(1510, 400, 300))).status()).toBe(200);
    await waitProcessed(r, teamId, set.id);
    const made = (await (await r.post(`/api/teams/${teamId}/albums`, { data: { name: "To print", setId: set.id } })).json()) as { id?: string; album?: { id: string } };
    const albumId = made.album?.id ?? made.id!;

    await page.goto(`/t/${teamId}/albums/${albumId}`);
    const empty = page.getByTestId("album-empty");
    expect(await empty.textContent()).toMatch(/no photos yet/);
    expect(await empty.textContent()).toMatch(/Add to album/);
    // The way it names: its link to the set's results, select, Add to album.
    await empty.getByRole("link").click();
    await page.waitForURL(new RegExp(`/sets/${set.id}/results`));
    await expect.poll(() => page.getByTestId("results-total").textContent(), SLOW).toBe("1 photo");
    await page.locator('[data-testid="results-grid"] > li input[type="checkbox"]').first().click();
    await page.getByTestId("bulk-album").selectOption(albumId);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => page.getByTestId("bulk-message").textContent(), SLOW).toBe("Added 1 photo to “To print”.");
    await page.goto(`/t/${teamId}/albums/${albumId}`);
    expect(await page.getByTestId("album-empty").count()).toBe(0);
    expect(await page.locator('[data-testid="grid-preview"] > li[data-photo-id]').count()).toBe(1);
    await context.close();
  });
});
