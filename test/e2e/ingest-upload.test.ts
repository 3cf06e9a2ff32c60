// Issue 3 in a real browser: a folder of 30 generated files (one truncated
// JPEG, one exact duplicate, one text file renamed .jpg, a near-duplicate
// pair) goes in through the folder picker; a reload mid-upload and a second
// drop of the same folder finish the set without re-sending what was done.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { nearDuplicateOf, scene } from "../helpers/images";

const baseUrl = inject("baseUrl");
let browser: Browser;
let folder: string;

/** A scene with grain so each file is ~100 KB (slow enough to throttle meaningfully). */
async function photo(seed: number): Promise<Buffer> {
  const grain = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 12 } } }).png().toBuffer();
  return (await scene(seed, 900, 600)).composite([{ input: grain, blend: "soft-light" }]).jpeg({ quality: 85 }).toBuffer();
}

beforeAll(async () => {
  browser = await launchBrowser();
  folder = mkdtempSync(path.join(tmpdir(), "insta-e2e-folder-"));
  const dir = path.join(folder, "holiday");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir);
  // 26 distinct photos + the near-duplicate of #1 + an exact copy of #2 + a truncated JPEG + a text file = 30 files.
  const photos = await Promise.all(Array.from({ length: 26 }, (_, i) => photo(1000 + i)));
  photos.forEach((b, i) => writeFileSync(path.join(dir, `IMG_${String(i + 1).padStart(4, "0")}.jpg`), b));
  writeFileSync(path.join(dir, "IMG_0001_edit.jpg"), await nearDuplicateOf(photos[0]!));
  writeFileSync(path.join(dir, "IMG_0002 copy.jpg"), photos[1]!);
  const broken = await photo(2000);
  writeFileSync(path.join(dir, "broken.jpg"), broken.subarray(0, Math.floor(broken.length / 3)));
  writeFileSync(path.join(dir, "notes.jpg"), "Shot list for the holiday: beach, market, sunset.\n".repeat(40));
});
afterAll(async () => {
  await browser.close();
  rmSync(folder, { recursive: true, force: true });
});

const count = async (page: Page, id: string) => parseInt((await page.getByTestId(id).textContent()) ?? "0", 10);

async function pickFolder(page: Page): Promise<void> {
  // The attribute is set after hydration; choosing before that would pick files, not a folder.
  await page.waitForSelector('[data-testid="folder-input"][webkitdirectory]', { state: "attached" });
  await page.getByTestId("folder-input").setInputFiles(path.join(folder, "holiday"));
}

describe("uploading a folder", () => {
  it("resumes after a reload, refuses what is not a photo, and groups near-duplicates", async () => {
    const { page, teamId } = await signedInUser(browser, baseUrl, "ingest");
    const res = await page.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Holiday" } });
    const { set } = (await res.json()) as { set: { id: string } };
    await page.goto(`/t/${teamId}/sets/${set.id}`);

    // Slow the uplink so the reload lands mid-upload.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150 * 1024 });
    await pickFolder(page);
    await page.waitForFunction(() => parseInt(document.querySelector('[data-testid="count-uploaded"]')?.textContent ?? "0", 10) >= 4, null, { timeout: 60_000 });
    const doneBeforeReload = await count(page, "count-uploaded");
    expect(doneBeforeReload).toBeLessThan(28);
    await page.reload();
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // Second drop of the same folder: count the upload requests actually sent.
    let uploadRequests = 0;
    page.on("request", (r) => {
      if (r.method() === "POST" && /\/uploads$/.test(new URL(r.url()).pathname)) uploadRequests++;
    });
    await pickFolder(page);
    await page.waitForFunction(() => /30 of 30 files/.test(document.querySelector('[data-testid="upload-summary"]')?.textContent ?? ""), null, { timeout: 90_000 });
    const already = await count(page, "count-already");
    const uploaded = await count(page, "count-uploaded");
    const duplicates = await count(page, "count-duplicate");
    expect(await count(page, "count-failed")).toBe(1);
    // Finished files were not sent again: each was recognised by its hash before upload.
    expect(already).toBeGreaterThanOrEqual(doneBeforeReload);
    // Nor was the exact copy: its twin in the same drop has its content.
    expect(uploadRequests).toBe(30 - already - duplicates);
    // Every file but the text one is accepted at upload (the truncated JPEG has valid magic bytes;
    // the pipeline fails it later): 28 distinct contents + the exact copy, reported once.
    expect(uploaded + already + duplicates).toBe(29);
    // The exact copy is named as a duplicate of its twin in the drop, whichever was uploaded first.
    expect(duplicates).toBe(1);
    await expect(page.getByTestId("upload-duplicate").textContent()).resolves.toMatch(
      /holiday\/IMG_0002( copy)?\.jpg is the same photo as holiday\/IMG_0002( copy)?\.jpg/,
    );
    await expect(page.getByTestId("upload-failure").textContent()).resolves.toMatch(/notes\.jpg.*is not a JPEG, PNG/);

    // The pipeline finishes: 27 thumbnails, the truncated file listed with its reason.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="photo-thumb"]').length === 27, null, { timeout: 90_000 });
    await expect(page.getByTestId("photo-total").textContent()).resolves.toBe("28");
    await page.getByTestId("failed-photo").waitFor();
    await expect(page.getByTestId("failed-photo").textContent()).resolves.toMatch(/broken\.jpg.*truncated/);
    const thumbsLoaded = await page.$$eval('[data-testid="photo-thumb"]', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length);
    expect(thumbsLoaded).toBeGreaterThan(0);

    // The near-duplicate pair is one group of two.
    await page.getByTestId("dup-group").first().waitFor({ timeout: 30_000 });
    const groups = await page.$$eval('[data-testid="dup-group"]', (els) => els.map((e) => e.querySelectorAll("img").length));
    expect(groups).toEqual([2]);

    // The results grid: every thumbnail it asks for exists; the unreadable file gets a placeholder.
    await page.setViewportSize({ width: 1280, height: 4000 }); // all tiles in view, so no image stays lazy
    await page.goto(`/t/${teamId}/sets/${set.id}/results`);
    await expect(page.getByTestId("results-total").textContent()).resolves.toBe("28 photos");
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="results-grid"] img')].every((i) => i.complete), null, { timeout: 30_000 });
    const images = await page.$$eval('[data-testid="results-grid"] img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0));
    expect(images.length).toBe(27);
    expect(images.every(Boolean)).toBe(true);
    await expect(page.getByTestId("no-thumb").textContent()).resolves.toBe("could not be read");
    await page.context().close();
  });
});
