// The dashboard's run buttons in a real browser, on a set paused before its
// photos arrive (the local provider answers in ~150 ms, so a running set would
// finish before a click lands): paused photos are prepared but not analysed,
// Cancel and "Start again" change what the set is doing, Resume analyses them all.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
const PHOTOS = 6;
const SLOW = { timeout: 60_000, interval: 250 };
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const countOf = async (page: Page, state: string) => Number(await page.locator(`[data-testid="state-counts"] [data-state="${state}"] strong`).textContent());
const status = (page: Page) => page.getByTestId("set-status").getAttribute("data-status");

describe("run control", () => {
  it("a paused set is prepared but not analysed; Cancel and Start again do what they say", async () => {
    const { page, teamId } = await signedInUser(browser, baseUrl, "runs");
    const created = await page.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Paused trip" } });
    const { set } = (await created.json()) as { set: { id: string } };
    expect((await page.request.post(`/api/teams/${teamId}/sets/${set.id}/analysis`, { data: { action: "pause" } })).status()).toBe(200);
    for (let i = 0; i < PHOTOS; i++) {
      const res = await page.request.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name: `trip-${i}.jpg`, mimeType: "image/jpeg", buffer: await sceneJpeg(1200 + i, 640, 480) } },
      });
      expect(res.status()).toBe(200);
    }

    await page.goto(`/t/${teamId}/sets/${set.id}/dashboard`);
    // The image pipeline still prepares them; the analysis worker leaves a paused set alone.
    await expect.poll(() => countOf(page, "QUEUED"), SLOW).toBe(PHOTOS);
    expect(await status(page)).toBe("PAUSED");
    expect(await countOf(page, "ANALYZED")).toBe(0);

    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => status(page), SLOW).toBe("CANCELLED");
    expect(await countOf(page, "ANALYZED")).toBe(0);
    await expect(page.getByRole("button", { name: "Start again" }).isVisible()).resolves.toBe(true);

    // Start again: every photo ends analysed.
    await page.getByRole("button", { name: "Start again" }).click();
    await expect.poll(async () => (await status(page)) !== "CANCELLED", SLOW).toBe(true);
    await expect.poll(() => page.getByTestId("progress-percent").textContent(), { timeout: 90_000, interval: 250 }).toBe("100%");
    expect(await countOf(page, "ANALYZED")).toBe(PHOTOS);
    await page.context().close();
  });

  it("Resume on a paused set analyses its photos", async () => {
    const { page, teamId } = await signedInUser(browser, baseUrl, "resume");
    const created = await page.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Later" } });
    const { set } = (await created.json()) as { set: { id: string } };
    await page.request.post(`/api/teams/${teamId}/sets/${set.id}/analysis`, { data: { action: "pause" } });
    for (let i = 0; i < PHOTOS; i++) {
      await page.request.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name: `later-${i}.jpg`, mimeType: "image/jpeg", buffer: await sceneJpeg(1300 + i, 640, 480) } },
      });
    }
    await page.goto(`/t/${teamId}/sets/${set.id}/dashboard`);
    await expect.poll(() => countOf(page, "QUEUED"), SLOW).toBe(PHOTOS);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.getByTestId("progress-percent").textContent(), { timeout: 90_000, interval: 250 }).toBe("100%");
    expect(await countOf(page, "ANALYZED")).toBe(PHOTOS);
    await page.context().close();
  });
});
