// Issue 14, item 13: Instagram shows every slide of a carousel in the first
// slide's shape. A carousel here is cut to its cover's shape everywhere - the
// preview, its share page, its ZIP whatever ratio is asked, its folder in the
// set's ZIP - the page says so, and another cover changes it.
import type { APIRequestContext, Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { uploadJpeg, waitProcessed } from "../helpers/hardening-fixture";
import { sceneJpeg } from "../helpers/images";
import { unzip } from "../helpers/zip";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The Instagram ratio of a JPEG's size (within rounding to whole pixels), or its size. */
function shape(width: number, height: number): string {
  const near = Object.entries({ "1.91:1": 1.91, "1:1": 1, "4:5": 0.8, "3:4": 0.75 }).find(([, v]) => Math.abs(width / height - v) < 0.01);
  return near?.[0] ?? `${width}x${height}`;
}

/**
 * Each JPEG's shape in a ZIP, by folder (its size follows the model's crop,
 * which may be smaller than 1080 px).
 */
async function jpegSizes(r: APIRequestContext, url: string): Promise<{ name: string; folders: Map<string, string[]> }> {
  const res = await r.get(url);
  expect(res.status(), url).toBe(200);
  const folders = new Map<string, string[]>();
  for (const [path, bytes] of await unzip(await res.body())) {
    if (!path.endsWith(".jpg")) continue;
    const { width, height } = await sharp(bytes).metadata();
    const folder = path.split("/")[0]!;
    folders.set(folder, [...(folders.get(folder) ?? []), shape(width!, height!)]);
  }
  return { name: res.headers()["content-disposition"] ?? "", folders };
}

/** Width / height of each slide as the page draws it. */
const slideShapes = (page: Page, list: string) =>
  page.locator(`[data-testid="${list}"] > li`).evaluateAll((els) => els.map((e) => Math.round((e.getBoundingClientRect().width / e.getBoundingClientRect().height) * 100) / 100));

describe("a carousel's shape", () => {
  it("is its cover's, for every slide, in the preview, the share page and every ZIP", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "carousel-ratio");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Dolomites" } })).json()) as { set: { id: string } };
    const ids: string[] = [];
    // A 2:1 landscape and two 3:4 portraits, each large enough for 1080 px wide JPEGs at any ratio.
    for (const [i, [w, h]] of [[3200, 1600], [1200, 1600], [1200, 1600]].entries()) {
      const res = await uploadJpeg(r, teamId, set.id, `peak-${i}.jpg`, await sceneJpeg(1700 + i, w, h));
      ids.push(((await res.json()) as { results: { photoId: string }[] }).results[0]!.photoId);
    }
    await waitProcessed(r, teamId, set.id);
    const album = async (data: Record<string, unknown>) => {
      const b = (await (await r.post(`/api/teams/${teamId}/albums`, { data: { setId: set.id, photoIds: ids, ...data } })).json()) as { id?: string; album?: { id: string } };
      return b.album?.id ?? b.id!;
    };
    const carouselId = await album({ name: "Peaks carousel", kind: "CAROUSEL" });
    await album({ name: "Peaks album", kind: "CUSTOM" });

    // The landscape cover: every slide 1.91:1, and the page says why.
    await page.goto(`/t/${teamId}/albums/${carouselId}`);
    expect(await page.getByTestId("carousel-ratio-note").textContent()).toMatch(/Instagram shows every slide in the first slide.s shape, so all 3 slides are cut to 1\.91:1 landscape/);
    expect(await slideShapes(page, "carousel-preview")).toEqual([1.91, 1.91, 1.91]);
    expect(await page.getByTestId("export-fixed-ratio").textContent()).toMatch(/1\.91:1 landscape, like the cover/);
    expect(await page.getByLabel("Export ratio").count()).toBe(0);

    // Its ZIP is 1.91:1 whatever ratio the address asks; in the set's 4:5 ZIP its folder keeps it, the other album is 4:5.
    const own = await jpegSizes(r, `/api/teams/${teamId}/albums/${carouselId}/export?ratio=4:5`);
    expect(own.name).toContain("1.91x1");
    expect([...own.folders.values()].flat()).toEqual(["1.91:1", "1.91:1", "1.91:1"]);
    const whole = await jpegSizes(r, `/api/teams/${teamId}/sets/${set.id}/export?ratio=4:5`);
    expect(whole.folders.get("Peaks carousel")).toEqual(["1.91:1", "1.91:1", "1.91:1"]);
    expect(whole.folders.get("Peaks album")).toEqual(["4:5", "4:5", "4:5"]);

    // A portrait cover (moved to the front with its arrow) makes it 3:4.
    const second = page.locator('[data-testid="carousel-preview"] > li').nth(1);
    await second.hover();
    await second.getByRole("button", { name: /earlier$/ }).click();
    await expect.poll(() => page.getByTestId("grid-status").textContent(), { timeout: 20_000 }).toMatch(/is now at position 1\./);
    await page.reload();
    expect(await page.getByTestId("carousel-ratio-note").textContent()).toMatch(/cut to 3:4 portrait/);
    expect(await slideShapes(page, "carousel-preview")).toEqual([0.75, 0.75, 0.75]);
    // The landscape slide is the middle of it, cut as its export is: the image overflows its slide.
    const landscape = page.locator(`[data-testid="carousel-preview"] > li[data-photo-id="${ids[0]}"]`);
    const [slideW, imgW] = await landscape.evaluate((li) => [li.getBoundingClientRect().width, li.querySelector("img")!.getBoundingClientRect().width]);
    expect(imgW! / slideW!).toBeGreaterThan(2);
    expect([...(await jpegSizes(r, `/api/teams/${teamId}/albums/${carouselId}/export?ratio=1:1`)).folders.values()].flat()).toEqual(["3:4", "3:4", "3:4"]);

    // Its share page shows the same shape and downloads it.
    const link = (await (await r.post(`/api/teams/${teamId}/albums/${carouselId}/shares`, { data: { allowDownload: true } })).json()) as { token: string; path: string };
    const visitor = await browser.newContext({ baseURL: baseUrl });
    const shared = await visitor.newPage();
    await shared.goto(link.path);
    expect(await slideShapes(shared, "shared-carousel")).toEqual([0.75, 0.75, 0.75]);
    expect(await shared.getByTestId("shared-download").textContent()).toContain("3:4");
    const href = (await shared.getByTestId("shared-download").getAttribute("href"))!;
    expect([...(await jpegSizes(visitor.request, href)).folders.values()].flat()).toEqual(["3:4", "3:4", "3:4"]);
    await visitor.close();
    await context.close();
  });
});
