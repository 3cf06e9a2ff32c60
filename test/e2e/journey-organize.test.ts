// The whole journey of issue 5 in a real browser, against the built app and
// the local Llama-protocol server the e2e setup starts: sign up, create a set,
// upload, watch progress reach 100%, open Best picks, edit a caption, reorder
// the grid, share the album with a password and expiry, open the link in a
// fresh context (no session), download the ZIP and check its folders, CSV and
// sidecars, then revoke: the link answers 404.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { unzip } from "@/test/helpers/zip";
import { launchBrowser, newUser } from "../helpers/browser";
import { nearDuplicateOf, sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
// Round trips on a loaded 2-core machine can take seconds; waits are generous, never timed assertions.
const SLOW = { timeout: 20_000, interval: 250 };
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function gridOrder(page: Page): Promise<string[]> {
  return page.locator('[data-testid="grid-preview"] > li').evaluateAll((els) => els.map((e) => e.getAttribute("data-photo-id") ?? ""));
}

describe("organize, review, share and export", () => {
  it("runs the whole journey", async () => {
    // Tall enough that the album grid never scrolls: a drag that scrolls lands on the wrong tile.
    const context = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true, viewport: { width: 1280, height: 1600 } });
    const page = await context.newPage();

    // Sign up and create a set.
    const user = newUser("journey");
    await page.goto("/signup");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/t\/[^/]+$/);
    const teamId = new URL(page.url()).pathname.split("/")[2]!;
    await page.getByLabel("New set name").fill("Weekend");
    await page.getByRole("button", { name: "Create set" }).click();
    await page.waitForURL(/\/sets\/[^/]+$/);
    const setId = new URL(page.url()).pathname.split("/")[4]!;

    // Upload five scenes and a near-duplicate through the set page's file input.
    const first = await sceneJpeg(11, 800, 600);
    const files = [
      { name: "beach.jpg", mimeType: "image/jpeg", buffer: first },
      { name: "beach-again.jpg", mimeType: "image/jpeg", buffer: await nearDuplicateOf(first) },
      ...(await Promise.all([12, 13, 14, 15].map(async (s) => ({ name: `scene-${s}.jpg`, mimeType: "image/jpeg", buffer: await sceneJpeg(s, 800, 600) })))),
    ];
    await page.getByTestId("file-input").setInputFiles(files);
    // The browser uploads them; leaving the page earlier would cancel the rest.
    await expect.poll(() => page.getByTestId("count-uploaded").textContent(), { timeout: 60_000 }).toBe("6 uploaded");

    // The dashboard shows progress within moments and reaches 100%.
    await page.goto(`/t/${teamId}/sets/${setId}/dashboard`);
    await page.getByTestId("progress-percent").waitFor();
    await expect.poll(async () => page.getByTestId("progress-done").textContent(), { timeout: 15_000 }).toMatch(/of 6 photos/);
    await expect.poll(async () => page.getByTestId("progress-percent").textContent(), { timeout: 90_000, interval: 500 }).toBe("100%");
    expect(await page.getByTestId("local-only").count()).toBe(0); // a key is configured: analysed by AI
    const analysed = Number(await page.locator('[data-state="ANALYZED"] strong').textContent());
    expect(analysed).toBeGreaterThanOrEqual(2);

    // Best picks: one photo per near-duplicate group. Albums follow results within seconds,
    // not on a page view (decision 005): wait until Best picks reads the same over 6 s.
    const bestCount = async () => {
      const { albums } = (await (await page.request.get(`/api/teams/${teamId}/sets/${setId}/albums`)).json()) as { albums: { kind: string; photoCount: number }[] };
      return albums.find((a) => a.kind === "BEST")?.photoCount ?? 0;
    };
    const seen: number[] = [];
    await expect
      .poll(async () => {
        seen.push(await bestCount());
        const last = seen.slice(-4);
        return last.length === 4 && last.every((c) => c === last[0] && c >= 2);
      }, { timeout: 60_000, interval: 2000 })
      .toBe(true);
    await page.goto(`/t/${teamId}/sets/${setId}/albums`);
    await page.getByTestId("album-best").click();
    await page.waitForURL(/\/albums\/[^/]+$/);
    const albumUrl = page.url();
    const order = await gridOrder(page);
    expect(order.length).toBeGreaterThanOrEqual(2);
    expect(order.length).toBeLessThan(6); // beach and beach-again never both

    // Edit the caption of the first photo; the page shows the person's words.
    await page.locator('[data-testid="grid-preview"] > li a').first().click();
    await page.waitForURL(/\/photos\/[^/]+$/);
    await page.getByTestId("edit-photo").click();
    await page.locator('textarea[name="caption"]').fill("Our weekend, in one picture");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("caption").textContent(), SLOW).toBe("Our weekend, in one picture");

    // Reorder the grid with the keyboard-accessible button, then by dragging; both persist.
    await page.goto(albumUrl);
    const [a, b] = order;
    await page.locator(`[data-photo-id="${a}"] button[aria-label$="later"]`).click();
    await expect.poll(() => page.getByTestId("grid-status").textContent(), SLOW).toMatch(/^Saved/);
    await page.reload();
    expect((await gridOrder(page)).slice(0, 2)).toEqual([b, a]);
    const last = order.at(-1)!;
    await page.locator(`[data-photo-id="${last}"]`).dragTo(page.locator(`[data-photo-id="${b}"]`));
    await expect.poll(() => page.getByTestId("grid-status").textContent(), SLOW).toMatch(/^Saved/);
    await page.reload();
    const reordered = await gridOrder(page);
    expect(reordered[0]).toBe(last);

    // Share with a password and an expiry, downloads allowed.
    await page.locator('input[name="share-password"]').fill("sesame-1234");
    await page.locator('input[name="share-days"]').fill("7");
    await page.locator('input[name="share-download"]').check();
    await page.getByRole("button", { name: "Create link" }).click();
    const shareUrl = (await page.getByTestId("share-url").textContent())!;
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

    // A stranger: no session. The link asks for the password first.
    const stranger = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true });
    const sp = await stranger.newPage();
    await sp.goto(shareUrl);
    await sp.getByTestId("share-password-form").waitFor();
    expect(await sp.getByTestId("shared-album").count()).toBe(0);
    await sp.getByLabel("Password").fill("wrong-password");
    await sp.getByRole("button", { name: "Open album" }).click();
    await expect.poll(() => sp.getByTestId("share-password-error").textContent(), SLOW).toContain("not right");
    await sp.getByLabel("Password").fill("sesame-1234");
    await sp.getByRole("button", { name: "Open album" }).click();
    await sp.getByTestId("shared-album").waitFor();
    expect(await sp.getByTestId("shared-album-name").textContent()).toBe("Best picks");
    expect(await sp.getByTestId("shared-caption").allTextContents()).toContain("Our weekend, in one picture");
    expect(await sp.content()).not.toContain(user.name); // nothing of the team
    const token = shareUrl.split("/s/")[1]!;
    expect((await stranger.request.get(`/api/share/${token}/photos/${reordered[0]}/thumb`)).status()).toBe(200);
    expect((await stranger.request.get(`/api/share/${token}/photos/not-in-this-album/thumb`)).status()).toBe(404);
    expect((await stranger.request.get(`/api/teams/${teamId}/albums`)).status()).toBe(401);

    // Download the ZIP from the shared page and look inside.
    const [download] = await Promise.all([sp.waitForEvent("download"), sp.getByTestId("shared-download").click()]);
    const zip = await unzip(await readFile((await download.path())!));
    const names = [...zip.keys()];
    expect(names.filter((n) => n.endsWith(".jpg"))).toHaveLength(reordered.length);
    expect(names.every((n) => n.startsWith("Best picks/"))).toBe(true);
    expect(names.filter((n) => n.endsWith(".xmp"))).toHaveLength(reordered.length);
    const csv = zip.get("Best picks/captions.csv")!.toString("utf8");
    // A share link made without "include file names" shows what the share page shows: no original names.
    expect(csv).toContain("file,album,caption,hashtags,alt_text");
    expect(csv).not.toContain("original_name");
    expect(csv).toContain("Our weekend, in one picture");
    // Neutral file names (001.jpg ...): the link was made without "include file names".
    expect(names.filter((n) => n.endsWith(".jpg")).every((n) => /^Best picks\/\d{3}\.jpg$/.test(n))).toBe(true);
    const firstXmp = zip.get("Best picks/001.xmp")!.toString("utf8");
    expect(firstXmp).toContain("<dc:description>");
    expect(firstXmp).toContain("<dc:subject>");
    expect(zip.has("Best picks/captions.json")).toBe(true);

    // The member revokes the link; the stranger's next visit is a 404.
    await page.reload();
    await page.getByRole("button", { name: "Revoke" }).click();
    await expect.poll(() => page.getByTestId("share-links").textContent(), SLOW).toContain("revoked");
    const gone = await sp.goto(shareUrl);
    expect(gone?.status()).toBe(404);
    expect((await stranger.request.get(`/api/share/${token}/photos/${reordered[0]}/thumb`)).status()).toBe(404);

    await stranger.close();
    await context.close();
  });
});
