// A carousel in a real browser: from an analysed set's albums page, create a
// carousel (up to 20 slides from Best picks); its page previews the slides in
// swipe order with the cover first, a slide moved with its arrow keeps its
// place after a reload, "Suggested order" puts the best photo first, and its
// share link shows the same slides in the same order.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { sceneJpeg } from "../helpers/images";
import { carouselSlideIds as slides } from "../helpers/results";

const baseUrl = inject("baseUrl");
const PHOTOS = 12;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("carousel", () => {
  it("is created from Best picks, previewed as slides, and reordered", async () => {
    const { page, teamId } = await signedInUser(browser, baseUrl, "carousel");
    const created = await page.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Harbour" } });
    const { set } = (await created.json()) as { set: { id: string } };
    for (let i = 0; i < PHOTOS; i++) {
      const res = await page.request.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name: `harbour-${i}.jpg`, mimeType: "image/jpeg", buffer: await sceneJpeg(900 + i, 800, 600) } },
      });
      expect(res.status()).toBe(200);
    }
    await expect
      .poll(async () => ((await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/analysis`)).json()) as { percent: number }).percent, {
        timeout: 90_000,
        interval: 500,
      })
      .toBe(100);

    // Albums follow results within seconds, not on a page view (decision 005): wait for Best picks to hold all 12.
    await expect
      .poll(async () => {
        const { albums } = (await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/albums`)).json()) as { albums: { kind: string; photoCount: number }[] };
        return albums.find((a) => a.kind === "BEST")?.photoCount ?? 0;
      }, { timeout: 60_000, interval: 500 })
      .toBe(PHOTOS);
    await page.goto(`/t/${teamId}/sets/${set.id}/albums`);
    await page.getByPlaceholder("Summer carousel").fill("Harbour carousel");
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/albums\/[^/]+$/);
    await expect(page.getByRole("heading", { name: "Harbour carousel" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("heading", { name: "Carousel preview" }).isVisible()).resolves.toBe(true);

    const first = await slides(page);
    expect(first).toHaveLength(12); // every best pick: Instagram allows 20 slides since 2025
    const labels = await page.getByTestId("slide-label").allTextContents();
    expect(labels[0]).toBe("1/12 · cover");
    expect(labels[1]).toBe("2/12");

    // Move slide 2 to the front with its arrow; the order is saved.
    const slide2 = page.locator('[data-testid="carousel-preview"] > li').nth(1);
    await slide2.hover();
    await slide2.getByRole("button", { name: /earlier$/ }).click();
    await expect.poll(() => page.getByTestId("grid-status").textContent(), { timeout: 20_000 }).toMatch(/is now at position 1\./);
    await page.reload();
    expect(await slides(page)).toEqual([first[1], first[0], ...first.slice(2)]);

    // The suggested order: the best-scored photo as the cover.
    await page.getByRole("button", { name: "Suggested order" }).click();
    await expect.poll(() => page.getByTestId("grid-status").textContent(), { timeout: 20_000 }).toMatch(/best photo first as the cover/);
    await page.reload();
    const suggested = await slides(page);
    expect(new Set(suggested)).toEqual(new Set(first));
    const scores = await Promise.all(
      suggested.map(async (id) => ((await (await page.request.get(`/api/teams/${teamId}/photos/${id}`)).json()) as { photo: { instagramScore: number | null } }).photo.instagramScore ?? -1),
    );
    expect(scores[0]).toBe(Math.max(...scores));

    // Shared by link, it is shown as the same slides in the same order.
    const albumId = new URL(page.url()).pathname.split("/").at(-1)!;
    const share = await page.request.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: false } });
    expect(share.status()).toBe(200);
    const visitor = await browser.newContext({ baseURL: baseUrl });
    const shared = await visitor.newPage();
    await shared.goto(((await share.json()) as { path: string }).path);
    const sharedSlides = await shared.locator('[data-testid="shared-carousel"] > li img').evaluateAll((els) =>
      els.map((e) => (e as HTMLImageElement).src.split("/photos/")[1]?.split("/")[0] ?? ""),
    );
    expect(sharedSlides).toEqual(suggested);
    expect(await shared.getByTestId("shared-slide-label").first().textContent()).toBe("1/12");
    await visitor.close();
    await page.context().close();
  });
});
