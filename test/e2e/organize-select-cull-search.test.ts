// Issue 14, items 9-11 in a real browser: select photos in the results grid
// (click, shift-click, keyboard, select all in the filter) and add them to a
// new album, download the selection; the filters are written to the URL; a
// culling pass by keyboard in the full-screen viewer and the pick / star
// filters. Covered elsewhere: Back and Forward through the filters and the
// empty custom album's hint in results-history.test.ts, the search page in
// journey-organize.test.ts. The bulk bar's Remove is covered only below the
// browser (test/integration/organize-search-bulk.test.ts).
import { readFile } from "node:fs/promises";
import type { APIRequestContext, Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { unzip } from "@/test/helpers/zip";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { uploadJpeg } from "../helpers/hardening-fixture";
import { sceneJpeg } from "../helpers/images";
import { resultTileIds as tileIds, selectedTileIds as selectedIds, waitUntilSettled as settled } from "../helpers/results";

const baseUrl = inject("baseUrl");
const SLOW = { timeout: 20_000, interval: 250 };
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newSet(r: APIRequestContext, teamId: string, name: string): Promise<string> {
  const res = await r.post(`/api/teams/${teamId}/sets`, { data: { name } });
  return ((await res.json()) as { set: { id: string } }).set.id;
}

describe("select and cull", () => {
  it("works by mouse and keyboard and writes the filters to the URL", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "culler");
    const r = context.request;
    const trip = await newSet(r, teamId, "Trip");
    const home = await newSet(r, teamId, "Home");
    for (let i = 0; i < 7; i++) expect((await uploadJpeg(r, teamId, trip, `scene-${i}.jpg`, await sceneJpeg(300 + i, 480, 360))).status()).toBe(200);
    expect((await uploadJpeg(r, teamId, trip, "zanzibar-harbour.jpg", await sceneJpeg(320, 480, 360))).status()).toBe(200);
    expect((await uploadJpeg(r, teamId, home, "zanzibar-night.jpg", await sceneJpeg(330, 480, 360))).status()).toBe(200);
    expect((await uploadJpeg(r, teamId, home, "garden.jpg", await sceneJpeg(331, 480, 360))).status()).toBe(200);
    await settled(r, teamId, trip, 8);
    await settled(r, teamId, home, 2);

    // --- Selection by mouse: click, then shift-click a range; add to a new album.
    const results = `/t/${teamId}/sets/${trip}/results`;
    await page.goto(`${results}?sort=name`);
    await expect.poll(() => page.getByTestId("results-total").textContent(), SLOW).toBe("8 photos");
    const order = await tileIds(page);
    const box = (i: number) => page.locator(`[data-photo-id="${order[i]}"] input[type="checkbox"]`);
    await box(1).click();
    await box(4).click({ modifiers: ["Shift"] });
    expect(await selectedIds(page)).toEqual(order.slice(1, 5));
    expect(await page.getByTestId("selected-count").textContent()).toBe("4 photos selected");
    await page.getByTestId("bulk-album").selectOption("new");
    await page.getByLabel("New album name").fill("Keepers");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => page.getByTestId("bulk-message").textContent(), SLOW).toBe("Added 4 photos to “Keepers”.");
    const { albums } = (await (await r.get(`/api/teams/${teamId}/albums`)).json()) as { albums: { id: string; name: string }[] };
    const keepers = albums.find((a) => a.name === "Keepers")!;
    const album = (await (await r.get(`/api/teams/${teamId}/albums/${keepers.id}`)).json()) as { photos: { id: string }[] };
    expect(album.photos.map((p) => p.id)).toEqual(order.slice(1, 5));

    // --- Download the selection as a ZIP: one folder, a JPEG and an XMP per photo.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("bulk-download").click()]);
    const zip = await unzip(await readFile((await download.path())!));
    expect([...zip.keys()].filter((n) => n.endsWith(".jpg"))).toHaveLength(4);
    expect([...zip.keys()].filter((n) => n.startsWith("Selection/") && n.endsWith(".xmp"))).toHaveLength(4);

    // --- Keyboard: Esc clears, Space and Shift+Space on the focused photo, arrows move, Ctrl+A selects all the filter matches.
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("bulk-bar").count(), SLOW).toBe(0);
    await box(0).focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Shift+Space");
    expect(await selectedIds(page)).toEqual(order.slice(0, 3));
    await page.keyboard.press("Control+a");
    await expect.poll(() => page.getByTestId("selected-count").textContent(), SLOW).toBe("8 photos selected");
    await page.keyboard.press("Escape");

    // --- A culling pass by keyboard: pick, reject, stars; each saved at once.
    await box(0).focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("cull-viewer").waitFor();
    expect(await page.getByTestId("cull-position").textContent()).toBe("1 / 8");
    await page.keyboard.press("p");
    await expect.poll(() => page.getByTestId("cull-status").textContent(), SLOW).toBe("Saved");
    await page.keyboard.press("ArrowRight");
    expect(await page.getByTestId("cull-position").textContent()).toBe("2 / 8");
    await page.keyboard.press("x");
    await expect.poll(() => page.getByTestId("cull-status").textContent(), SLOW).toBe("Saved");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("4");
    await expect.poll(() => page.getByTestId("cull-rating").getAttribute("data-rating"), SLOW).toBe("4");
    await expect.poll(() => page.getByTestId("cull-status").textContent(), SLOW).toBe("Saved");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("cull-viewer").count(), SLOW).toBe(0);
    // The filters on the culling, and the URL carries them.
    await page.getByTestId("filter-flag").selectOption("picked");
    await expect.poll(() => tileIds(page), SLOW).toEqual([order[0]]);
    expect(page.url()).toContain("flag=picked");
    await page.getByTestId("filter-flag").selectOption("rejected");
    await expect.poll(() => tileIds(page), SLOW).toEqual([order[1]]);
    await page.getByTestId("filter-flag").selectOption("");
    await page.getByTestId("filter-rating").selectOption("4");
    await expect.poll(() => tileIds(page), SLOW).toEqual([order[2]]);
    expect(page.url()).toMatch(/minRating=4/);

    await context.close();
  });
});
