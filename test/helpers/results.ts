// Reading the results grid, the carousel preview and a set's progress in browser tests.
import type { APIRequestContext, Page } from "playwright-core";
import { expect } from "vitest";

/** The photo ids of the results grid's tiles, in the order shown. */
export const resultTileIds = (page: Page) =>
  page.locator('[data-testid="results-grid"] > li').evaluateAll((els) => els.map((e) => e.getAttribute("data-photo-id")!));

/** The photo ids of the selected tiles, in the order shown. */
export const selectedTileIds = (page: Page) =>
  page.locator('[data-testid="results-grid"] > li[data-selected="true"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-photo-id")!));

/** The photo ids of a carousel's slides, in swipe order. */
export const carouselSlideIds = (page: Page) =>
  page.locator('[data-testid="carousel-preview"] > li').evaluateAll((els) => els.map((e) => e.getAttribute("data-photo-id") ?? ""));

/** Waits until the set holds `want` photos and none is still on its way (uploaded, processing, queued, analysing). */
export async function waitUntilSettled(r: APIRequestContext, teamId: string, setId: string, want: number): Promise<void> {
  await expect
    .poll(async () => {
      const { progress } = (await (await r.get(`/api/teams/${teamId}/sets/${setId}`)).json()) as { progress: { total: number; byState: Record<string, number> } };
      const s = progress.byState;
      return progress.total === want && (s.UPLOADED ?? 0) + (s.PROCESSING ?? 0) + (s.QUEUED ?? 0) + (s.ANALYZING ?? 0) === 0;
    }, { timeout: 120_000, interval: 500 })
    .toBe(true);
}
