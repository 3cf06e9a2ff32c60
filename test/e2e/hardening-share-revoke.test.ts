// A revoked or expired share link serves nothing, through any URL: its page,
// its image routes, its ZIP, and Next's image optimizer (/_next/image), which
// kept cached copies of a share's images for hours after revoke (issue 13,
// finding 4). The visitor is a real browser; every URL that gave image bytes
// while the link was live is asked again afterwards.
import type { Browser } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { waitProcessed } from "../helpers/hardening-fixture";
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

/** Every URL that can hand out a share's bytes, with what each answers now. */
async function shareUrls(token: string, photoIds: string[]): Promise<string[]> {
  const api = photoIds.flatMap((id) => [`/api/share/${token}/photos/${id}/thumb`, `/api/share/${token}/photos/${id}/preview`]);
  // The optimizer's URLs for each image at a few of its widths (the default
  // device sizes) and its default quality.
  const optimized = api.flatMap((u) => [640, 1080, 3840].map((w) => `/_next/image?url=${encodeURIComponent(u)}&w=${w}&q=75`));
  return [`/s/${token}`, `/api/share/${token}/export?ratio=4:5`, ...api, ...optimized];
}

async function answers(urls: string[]): Promise<{ url: string; status: number; type: string; bytes: number }[]> {
  const visitor = await browser.newContext({ baseURL: baseUrl });
  try {
    const out = [];
    for (const url of urls) {
      const res = await visitor.request.get(url, { maxRedirects: 0 });
      out.push({ url, status: res.status(), type: res.headers()["content-type"] ?? "", bytes: (await res.body()).length });
    }
    return out;
  } finally {
    await visitor.close();
  }
}

const servesBytes = (a: { status: number; type: string }) =>
  a.status === 200 && /^(image\/|application\/zip)/.test(a.type);

describe("a share link that ends", () => {
  it("serves none of its images through any URL after it is revoked or has expired", async () => {
    const { context, teamId } = await signedInUser(browser, baseUrl, "share-end");
    const owner = context.request;
    const { set } = (await (await owner.post(`/api/teams/${teamId}/sets`, { data: { name: "Quay" } })).json()) as { set: { id: string } };
    const photoIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await owner.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name: `quay-${i}.jpg`, mimeType: "image/jpeg", buffer: await sceneJpeg(1300 + i, 800, 600) } },
      });
      expect(res.status()).toBe(200);
      photoIds.push(((await res.json()) as { results: { photoId: string }[] }).results[0]!.photoId);
    }
    await waitProcessed(owner, teamId, set.id);
    // Previews are made on first view (docs/decisions/006); the owner's view makes them.
    for (const id of photoIds) expect((await owner.get(`/api/teams/${teamId}/photos/${id}/preview`)).status()).toBe(200);
    const albumRes = await owner.post(`/api/teams/${teamId}/albums`, { data: { name: "Quay picks", photoIds } });
    expect(albumRes.status()).toBeLessThan(300);
    const albumBody = (await albumRes.json()) as { id?: string; album?: { id: string } };
    const albumId = albumBody.album?.id ?? albumBody.id!;
    const newShare = async () => {
      const res = await owner.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: true } });
      expect(res.status()).toBeLessThan(300);
      return (await res.json()) as { id: string; token: string };
    };

    const revoked = await newShare();
    const expired = await newShare();
    for (const share of [revoked, expired]) {
      // While live, a visitor's browser loads the page and its images...
      const visitor = await browser.newContext({ baseURL: baseUrl });
      const page = await visitor.newPage();
      const images: string[] = [];
      page.on("response", (r) => {
        if (r.ok() && (r.headers()["content-type"] ?? "").startsWith("image/")) images.push(new URL(r.url()).pathname + new URL(r.url()).search);
      });
      await page.goto(`/s/${share.token}`);
      await page.locator('[data-testid="shared-grid"] img').first().waitFor();
      await expect.poll(() => images.length).toBeGreaterThanOrEqual(photoIds.length);
      await visitor.close();
      // ... and every image URL serves bytes (the optimizer's too, on a build
      // that has it on: that is what warms its cache).
      const live = await answers(await shareUrls(share.token, photoIds));
      expect(live.filter((a) => a.url.startsWith("/api/share/") && servesBytes(a)).length).toBe(photoIds.length * 2 + 1);
    }

    expect((await owner.delete(`/api/teams/${teamId}/albums/${albumId}/shares/${revoked.id}`)).status()).toBe(200);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE "ShareLink" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [expired.id]);
    } finally {
      await db.end();
    }

    for (const share of [revoked, expired]) {
      const after = await answers(await shareUrls(share.token, photoIds));
      expect(after.filter(servesBytes), `still served after the link ended (${share === revoked ? "revoked" : "expired"})`).toEqual([]);
      expect(after.find((a) => a.url === `/s/${share.token}`)?.status).toBe(404);
    }
    await context.close();
  });
});
