// Issue 14, items 1-8, as a person meets them: a folder with a large JPEG and
// its small GIF copy, an exact copy under another name, a hidden file, a name
// with double quotes, a truncated JPEG and two white-on-transparent PNGs goes
// through the folder picker; then the duplicates API, the Albums page, the
// dashboard and the photo pages must tell the truth about each.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { scene, sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
const SLOW = { timeout: 90_000, interval: 500 };
let browser: Browser;
let folder: string;

const whiteOnAlpha = (shape: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">${shape}</svg>`)).png().toBuffer();

beforeAll(async () => {
  browser = await launchBrowser();
  folder = mkdtempSync(path.join(tmpdir(), "insta-e2e-keepers-"));
  const dir = path.join(folder, "walk");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "YellowFlower.jpg"), await sceneJpeg(4242, 1600, 1000));
  writeFileSync(path.join(dir, "yellowflower.gif"), await (await scene(4242, 400, 250)).gif().toBuffer());
  const same = await sceneJpeg(4343, 800, 600);
  writeFileSync(path.join(dir, "IMG_1.jpg"), same);
  writeFileSync(path.join(dir, "IMG_1 copy.jpg"), same);
  writeFileSync(path.join(dir, ".DS_Store"), Buffer.from("Bud1 not a photo"));
  writeFileSync(path.join(dir, 'the "blue" door.jpg'), await sceneJpeg(4444, 800, 600));
  writeFileSync(path.join(dir, "cut.jpg"), (await sceneJpeg(4545, 1200, 900)).subarray(0, 4000));
  writeFileSync(path.join(dir, "logo-circle.png"), await whiteOnAlpha('<circle cx="200" cy="150" r="90" fill="white"/>'));
  writeFileSync(path.join(dir, "logo-bars.png"), await whiteOnAlpha('<rect x="40" y="40" width="60" height="220" fill="white"/><rect x="240" y="40" width="60" height="220" fill="white"/>'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("keepers, names, transparency and failures", () => {
  it("tells the truth about every file of a messy folder", async () => {
    const { page, teamId } = await signedInUser(browser, baseUrl, "keepers");
    const { set } = (await (await page.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Walk" } })).json()) as { set: { id: string } };
    await page.goto(`/t/${teamId}/sets/${set.id}`);
    await page.waitForSelector('[data-testid="folder-input"][webkitdirectory]', { state: "attached" });
    await page.getByTestId("folder-input").setInputFiles(path.join(folder, "walk"));

    // Item 7: 9 files in the folder, 8 taken, the hidden one named as skipped.
    await page.waitForFunction(() => /8 of 8 files/.test(document.querySelector('[data-testid="upload-summary"]')?.textContent ?? ""), null, { timeout: 60_000 });
    await expect(page.getByTestId("count-hidden").textContent()).resolves.toBe("1 hidden file skipped");
    await expect(page.getByTestId("count-duplicate").textContent()).resolves.toBe("1 duplicate");

    // Wait until everything is analysed or refused.
    type Row = { id: string; originalName: string; state: string };
    const rows = async () => ((await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/photos?limit=100`)).json()) as { photos: Row[] }).photos;
    await expect.poll(async () => (await rows()).filter((r) => ["ANALYZED", "FAILED", "SKIPPED"].includes(r.state)).length, SLOW).toBe(7);
    const byName = Object.fromEntries((await rows()).map((r) => [r.originalName, r]));

    // Item 7: the quotes survive (the browser sent them as %22 in the filename).
    expect(Object.keys(byName)).toContain('the "blue" door.jpg');

    // Items 1-3: the larger JPEG is the keeper, in the duplicates API before anyone opened the Albums tab.
    const jpeg = byName["YellowFlower.jpg"]!;
    const gif = byName["yellowflower.gif"]!;
    type Group = { keeperPhotoId: string; photoIds: string[] };
    await expect
      .poll(async () => ((await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/duplicates`)).json()) as { groups: Group[] }).groups, SLOW)
      .toEqual([expect.objectContaining({ keeperPhotoId: jpeg.id, photoIds: [jpeg.id, gif.id].sort() })]);
    // Item 4: the two white-on-transparent logos are not grouped (only the flower group exists), and their thumbnails show the artwork.
    const thumb = await (await page.request.get(`/api/teams/${teamId}/photos/${byName["logo-circle.png"]!.id}/thumb`)).body();
    const { data } = await sharp(thumb).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeLessThan(160);
    expect(Math.max(...data)).toBeGreaterThan(230);

    // The Albums page's card says why; Best picks hold the keeper, not the GIF.
    await page.goto(`/t/${teamId}/sets/${set.id}/albums`);
    await expect(page.getByTestId("keeper-reason").textContent()).resolves.toMatch(/suggested keeper \(kept: 16x the pixels\)/);
    await expect(page.locator('[data-testid="dup-photo"][data-keeper="yes"]').textContent()).resolves.toContain("YellowFlower.jpg");
    await expect
      .poll(async () => {
        const albums = ((await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/albums`)).json()) as { albums: { id: string; kind: string }[] }).albums;
        const best = albums.find((a) => a.kind === "BEST");
        if (!best) return null;
        return ((await (await page.request.get(`/api/teams/${teamId}/albums/${best.id}`)).json()) as { photos: { id: string }[] }).photos.map((p) => p.id);
      }, SLOW)
      .toEqual(expect.arrayContaining([jpeg.id]));
    const bestNow = ((await (await page.request.get(`/api/teams/${teamId}/sets/${set.id}/albums`)).json()) as { albums: { id: string; kind: string }[] }).albums.find((a) => a.kind === "BEST")!;
    const bestIds = ((await (await page.request.get(`/api/teams/${teamId}/albums/${bestNow.id}`)).json()) as { photos: { id: string }[] }).photos.map((p) => p.id);
    expect(bestIds).not.toContain(gif.id);

    // Item 5: one photo for the exact copy, both names on its page.
    const twin = byName["IMG_1.jpg"] ?? byName["IMG_1 copy.jpg"]!;
    await page.goto(`/t/${teamId}/photos/${twin.id}`);
    const names = `${await page.locator("h1").textContent()} ${await page.getByTestId("other-names").textContent()}`;
    expect(names).toContain("IMG_1.jpg");
    expect(names).toContain("IMG_1 copy.jpg");

    // Item 8: the truncated file's page: no broken image, one clean sentence, nothing to edit or re-analyse.
    await page.goto(`/t/${teamId}/photos/${byName["cut.jpg"]!.id}`);
    await expect(page.getByTestId("no-preview").isVisible()).resolves.toBe(true);
    expect(await page.locator('img[src$="/preview"]').count()).toBe(0);
    const said = (await page.getByTestId("not-ai").textContent()) ?? "";
    expect(said).toBe("This file could not be read: The image file is truncated (incomplete copy or download).");
    expect(await page.getByTestId("edit-photo").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Re-analyse/i }).count()).toBe(0);

    // Item 6: the dashboard offers no retry for it, says why, and a finished set shows no Pause or Cancel.
    await page.goto(`/t/${teamId}/sets/${set.id}/dashboard`);
    await page.getByTestId("unreadable-note").waitFor();
    await expect(page.getByTestId("unreadable-note").textContent()).resolves.toMatch(/^1 file could not be read/);
    expect(await page.getByRole("button", { name: /^Retry/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Pause" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Cancel" }).count()).toBe(0);
    await page.context().close();
  });
});
