// Issue 14, item 14, on a phone (390x844, touch, no hover): an album is
// reordered by tapping its arrows, shown without hover; no button's label
// wraps, no select is narrower than its text, no page is wider than the
// screen; the grid preview's empty places are drawn as cells of the grid.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, PHONE, signedInUser } from "../helpers/browser";
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

interface Misfit {
  what: string;
  text: string;
  detail: string;
}

/**
 * What does not fit on the page as shown: a button or button-like link whose
 * label takes more than one line, a select narrower than its widest option
 * (its text is cut), and the page itself wider than the screen.
 */
function misfits(page: Page): Promise<Misfit[]> {
  return page.evaluate(() => {
    const out: { what: string; text: string; detail: string }[] = [];
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    for (const el of document.querySelectorAll<HTMLElement>("button, a.btn, a.btn-secondary, a.btn-danger")) {
      if (!shown(el) || !el.textContent?.trim()) continue;
      // The lines its label takes: text boxes that do not overlap vertically.
      const range = document.createRange();
      range.selectNodeContents(el);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).sort((x, y) => x.top - y.top);
      let lines = 0;
      let bottom = -Infinity;
      for (const r of rects) {
        if (r.top >= bottom - 2) lines++;
        bottom = Math.max(bottom, r.bottom);
      }
      if (lines > 1) out.push({ what: "button wraps", text: el.textContent.trim(), detail: `${lines} lines` });
    }
    for (const el of document.querySelectorAll<HTMLSelectElement>("select")) {
      if (!shown(el)) continue;
      const width = el.getBoundingClientRect().width;
      const before = el.style.width;
      el.style.width = "max-content";
      const needed = el.getBoundingClientRect().width;
      el.style.width = before;
      if (width + 1 < needed) out.push({ what: "select cut off", text: el.options[el.selectedIndex]?.text ?? "", detail: `${width}px of ${needed}px` });
    }
    const page = document.documentElement.scrollWidth;
    if (page > window.innerWidth) out.push({ what: "page wider than the screen", text: location.pathname, detail: `${page}px > ${window.innerWidth}px` });
    return out;
  });
}

const order = (page: Page) =>
  page.locator('[data-testid="grid-preview"] > li[data-photo-id]').evaluateAll((els) => els.map((e) => e.getAttribute("data-photo-id")!));

describe("on a phone", () => {
  it("reorders by tapping, wraps no button, cuts no select, draws the grid's empty cells", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "phone", PHONE);
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Amalfi coast in September" } })).json()) as { set: { id: string } };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await uploadJpeg(r, teamId, set.id, `amalfi-terrace-${i}.jpg`, await sceneJpeg(1600 + i, 480, 360));
      ids.push(((await res.json()) as { results: { photoId: string }[] }).results[0]!.photoId);
    }
    await waitProcessed(r, teamId, set.id);
    const made = (await (await r.post(`/api/teams/${teamId}/albums`, { data: { name: "Terraces", setId: set.id, photoIds: ids } })).json()) as { id?: string; album?: { id: string } };
    const albumId = made.album?.id ?? made.id!;
    const link = (await (await r.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: true } })).json()) as { path: string };

    // The phone has no hover: what is hidden until hovered is never seen.
    await page.goto(`/t/${teamId}/albums/${albumId}`);
    expect(await page.evaluate(() => matchMedia("(hover: hover)").matches)).toBe(false);

    // Reorder by tapping: the arrows are shown without a hover and take a tap.
    const first = page.locator(`[data-testid="grid-preview"] > li[data-photo-id="${ids[0]}"]`);
    const controls = first.getByTestId("tile-controls");
    expect(await controls.evaluate((el) => getComputedStyle(el).opacity)).toBe("1");
    const later = first.getByRole("button", { name: /later$/ });
    const box = (await later.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(32); // big enough for a finger
    await later.tap();
    await expect.poll(() => page.getByTestId("grid-status").textContent(), SLOW).toMatch(/is now at position 2\./);
    await page.reload();
    expect(await order(page)).toEqual([ids[1], ids[0], ids[2], ids[3]]);

    // 4 photos in a 3-column grid: the second row's two empty places are cells of the same size.
    const cells = await page.locator('[data-testid="grid-preview"] > li').evaluateAll((els) =>
      els.map((e) => ({ photo: e.hasAttribute("data-photo-id"), w: Math.round(e.getBoundingClientRect().width), h: Math.round(e.getBoundingClientRect().height) })),
    );
    expect(cells.map((c) => c.photo)).toEqual([true, true, true, true, false, false]);
    expect(new Set(cells.map((c) => `${c.w}x${c.h}`)).size).toBe(1);
    expect(await page.getByTestId("grid-empty-cell").first().evaluate((el) => getComputedStyle(el).borderStyle)).toBe("dashed");

    // Every page of the way fits the phone.
    await page.getByTestId("download-zip").waitFor();
    const pages = [
      `/t/${teamId}/albums/${albumId}`,
      `/t/${teamId}/sets/${set.id}/albums`,
      `/t/${teamId}/sets/${set.id}/results`,
      `/t/${teamId}/sets/${set.id}/dashboard`,
      `/t/${teamId}/sets/${set.id}`,
      `/t/${teamId}/photos/${ids[0]}`,
      `/t/${teamId}/albums`,
      `/t/${teamId}/search`,
      `/t/${teamId}`,
      link.path,
    ];
    const found: Misfit[] = [];
    for (const url of pages) {
      await page.goto(url);
      if (url.endsWith("/results")) {
        // With a selection, the bulk bar's buttons too.
        await expect.poll(() => page.getByTestId("results-total").textContent(), SLOW).toBe("4 photos");
        await page.locator('[data-testid="results-grid"] > li input[type="checkbox"]').first().tap();
        await page.getByTestId("bulk-bar").waitFor();
      }
      // Pages that load their data after the first paint settle; what still misfits then is reported.
      let last: Misfit[] = [];
      await expect
        .poll(async () => (last = await misfits(page)).length, { timeout: 5_000, interval: 250 })
        .toBe(0)
        .catch(() => found.push(...last.map((m) => ({ ...m, text: `${url}: ${m.text}` }))));
    }
    expect(found).toEqual([]);
    // The checks do see a wrapped label, a cut select and a page too wide.
    await page.goto(`/t/${teamId}/albums/${albumId}`);
    await page.getByTestId("download-zip").evaluate((el) => {
      el.style.whiteSpace = "normal";
      el.style.width = "3rem";
    });
    await page.locator("select").first().evaluate((el) => {
      (el as HTMLSelectElement).style.width = "3rem";
    });
    await page.evaluate(() => document.body.append(Object.assign(document.createElement("div"), { style: "width: 2000px; height: 1px" })));
    expect((await misfits(page)).map((m) => m.what).sort()).toEqual(["button wraps", "page wider than the screen", "select cut off"]);
    await context.close();
  });

  it("at tablet and narrow laptop widths, the results filters and export choices are not cut off", async () => {
    const { context, page, teamId } = await signedInUser(browser, baseUrl, "tablet", { viewport: { width: 768, height: 1024 }, hasTouch: true });
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Lakes" } })).json()) as { set: { id: string } };
    const res = await uploadJpeg(r, teamId, set.id, "lake.jpg", await sceneJpeg(1650, 480, 360));
    const id = ((await res.json()) as { results: { photoId: string }[] }).results[0]!.photoId;
    await waitProcessed(r, teamId, set.id);
    const made = (await (await r.post(`/api/teams/${teamId}/albums`, { data: { name: "Lake", setId: set.id, photoIds: [id] } })).json()) as { id?: string; album?: { id: string } };
    const albumId = made.album?.id ?? made.id!;
    const found: Misfit[] = [];
    for (const width of [768, 900, 1024, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const url of [`/t/${teamId}/sets/${set.id}/results`, `/t/${teamId}/search`, `/t/${teamId}/albums/${albumId}`, `/t/${teamId}/sets/${set.id}/albums`]) {
        await page.goto(url);
        let last: Misfit[] = [];
        await expect
          .poll(async () => (last = await misfits(page)).length, { timeout: 5_000, interval: 250 })
          .toBe(0)
          .catch(() => found.push(...last.map((m) => ({ ...m, text: `${width}px ${url}: ${m.text}` }))));
      }
    }
    expect(found).toEqual([]);
    await context.close();
  });
});
