// Issue 14, item 12: a share link that does not work says what happened, in
// words, with a 404 - revoked by its owner, expired (and when), or not found -
// and tells nothing of the album it led to.
import type { Browser, BrowserContext } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { uploadJpeg, waitProcessed } from "../helpers/hardening-fixture";
import { sceneJpeg } from "../helpers/images";

const baseUrl = inject("baseUrl");
const databaseUrl = inject("databaseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** What a visitor without an account sees at the address. */
async function visit(visitor: BrowserContext, path: string) {
  const page = await visitor.newPage();
  const res = await page.goto(path);
  const box = page.getByTestId("share-not-found");
  const out = {
    status: res?.status(),
    state: (await box.count()) ? await box.getAttribute("data-state") : null,
    title: (await box.count()) ? await box.locator("h1").textContent() : null,
    text: (await box.count()) ? await box.textContent() : null,
    body: await page.locator("body").textContent(),
  };
  await page.close();
  return out;
}

describe("a share link that does not work", () => {
  it("says it was revoked, expired on a date, or is not found - with a 404", async () => {
    const { context, teamId } = await signedInUser(browser, baseUrl, "share-pages");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Porto" } })).json()) as { set: { id: string } };
    const up = (await (await uploadJpeg(r, teamId, set.id, "bridge.jpg", await sceneJpeg(1401, 400, 300))).json()) as { results: { photoId: string }[] };
    await waitProcessed(r, teamId, set.id);
    const albumRes = await r.post(`/api/teams/${teamId}/albums`, { data: { name: "Secret bridges", photoIds: [up.results[0]!.photoId] } });
    const albumBody = (await albumRes.json()) as { id?: string; album?: { id: string } };
    const albumId = albumBody.album?.id ?? albumBody.id!;
    const share = async (data: Record<string, unknown> = {}) =>
      (await (await r.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: false, ...data } })).json()) as { id: string; token: string };
    const revoked = await share();
    const expired = await share({ expiresInDays: 1 });
    const live = await share();

    const visitor = await browser.newContext({ baseURL: baseUrl });
    // While live, each opens the album.
    for (const s of [revoked, expired, live]) expect((await visit(visitor, `/s/${s.token}`)).body).toContain("Secret bridges");

    expect((await r.delete(`/api/teams/${teamId}/albums/${albumId}/shares/${revoked.id}`)).status()).toBe(200);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE "ShareLink" SET "expiresAt" = '2026-01-02T03:04:00Z' WHERE id = $1`, [expired.id]);
    } finally {
      await db.end();
    }

    const gone = await visit(visitor, `/s/${revoked.token}`);
    expect(gone.status).toBe(404);
    expect(gone.state).toBe("revoked");
    expect(gone.title).toBe("This share link was revoked");
    expect(gone.text).toMatch(/Its owner stopped sharing this album on \d{1,2} \w+ \d{4} at \d\d:\d\d UTC\./);

    const old = await visit(visitor, `/s/${expired.token}`);
    expect(old.status).toBe(404);
    expect(old.state).toBe("expired");
    expect(old.title).toBe("This share link has expired");
    expect(old.text).toContain("This link expired on 2 January 2026 at 03:04 UTC.");

    // A token no link has (the live one with its last character changed), and one cut short.
    const last = live.token.at(-1) === "A" ? "B" : "A";
    for (const path of [`/s/${live.token.slice(0, -1)}${last}`, `/s/${live.token.slice(0, 20)}`]) {
      const unknown = await visit(visitor, path);
      expect(unknown.status, path).toBe(404);
      expect(unknown.state, path).toBe("unknown");
      expect(unknown.title, path).toBe("Share link not found");
    }

    // None of them tells anything of the album; the API answers all three alike.
    for (const s of [revoked, expired]) {
      expect((await visit(visitor, `/s/${s.token}`)).body).not.toContain("Secret bridges");
      const api = await visitor.request.get(`/api/share/${s.token}`);
      expect(api.status()).toBe(404);
      expect(await api.text()).not.toMatch(/revoked|expired/i);
    }
    // The live link still works.
    expect((await visit(visitor, `/s/${live.token}`)).body).toContain("Secret bridges");
    await visitor.close();
    await context.close();
  });
});
