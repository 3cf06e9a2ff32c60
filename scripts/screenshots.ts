// npm run screenshots - docs/screenshots/{dashboard,results,grid-preview,shared-album}.png
//
// Runs the real product end to end: the built app on a fresh Postgres
// database, the local Llama-protocol server (test/llama-server) standing in
// for the API with a slow-ish latency so a run is visibly in progress, the
// real photographs in docs/screenshots/photos (their licences and sources:
// SOURCES.md there) and near-duplicates of two of them uploaded through the
// upload API, the app's own workers analysing them. Then Chromium
// (/usr/bin/chromium, playwright-core) takes the pictures. Needs `npm run build` first.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Page } from "playwright-core";
import { startApp } from "../test/helpers/app-process";
import { launchBrowser, newUser, personalTeamId, signInViaApi } from "../test/helpers/browser";
import { nearDuplicateOf } from "../test/helpers/images";
import { createDatabase, dropDatabase } from "../test/helpers/pg";
import { createLlamaServer } from "../test/llama-server/server";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "docs", "screenshots");
const photoDir = path.join(outDir, "photos");
/** Photographs a person would shoot twice: each is uploaded again as a smaller, brighter copy. */
const SHOT_TWICE = ["two-spaniels.jpg", "sunset-summit.jpg"];

async function main() {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("needs a production build: run `npm run build` first");
  mkdirSync(outDir, { recursive: true });
  const { name, url } = await createDatabase("shots");
  const dataDir = mkdtempSync(path.join(tmpdir(), "screenshots-"));
  // Slow (~4 s an answer) and held to 6 requests a minute by the app's own setting (the server would take 12, so no 429s),
  // so the run is visibly in progress with its limit binding.
  const llama = await createLlamaServer({ rpm: 12, tpm: 10_000_000, latencyMedianMs: 4000, apiKey: "screenshots-key", seed: 3 });
  const app = await startApp(
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      NEXTAUTH_SECRET: "screenshots-secret-0123456789ab",
      LLAMA_API_KEY: "screenshots-key",
      LLAMA_API_BASE_URL: llama.url,
      LLAMA_MAX_RPM: "6",
    },
    3900 + (process.pid % 90),
  );
  const browser = await launchBrowser();
  try {
    const base = app.baseUrl;
    const user = newUser("maria");
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const signup = await context.request.post("/api/signup", { data: { ...user, name: "Maria" } });
    if (signup.status() !== 202) throw new Error(`sign-up failed: ${signup.status()}`);
    await signInViaApi(context, base, user);
    const teamId = await personalTeamId(context, base);
    const created = await context.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Picos de Europa trip" } });
    const { set } = (await created.json()) as { set: { id: string } };

    const photos = readdirSync(photoDir).filter((f) => f.endsWith(".jpg")).sort();
    if (photos.length < 12) throw new Error(`expected the photographs in ${photoDir} (see SOURCES.md there)`);
    const uploads: { name: string; buffer: Buffer }[] = photos.map((name) => ({ name, buffer: readFileSync(path.join(photoDir, name)) }));
    for (const name of SHOT_TWICE) {
      const original = uploads.find((u) => u.name === name);
      if (!original) throw new Error(`${name} is missing from ${photoDir}`);
      uploads.push({ name: name.replace(/\.jpg$/, "-2.jpg"), buffer: await nearDuplicateOf(original.buffer) });
    }
    for (const { name, buffer } of uploads) {
      const res = await context.request.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name, mimeType: "image/jpeg", buffer } },
      });
      if (!res.ok()) throw new Error(`upload failed: ${res.status()} ${await res.text()}`);
    }
    console.log(`uploaded ${uploads.length} photos`);

    const page = await context.newPage();
    await page.goto(`/t/${teamId}/sets/${set.id}/dashboard`);
    await page.getByTestId("progress-percent").waitFor();
    const percent = async () => Number((await page.getByTestId("progress-percent").textContent())?.replace("%", ""));
    // Mid-run if we can catch it, so the rate-limit state and ETA are live.
    const deadline = Date.now() + 120_000;
    while ((await percent()) < 35 && Date.now() < deadline) await sleep(300);
    await settle(page);
    await page.screenshot({ path: path.join(outDir, "dashboard.png"), fullPage: true });
    console.log(`dashboard.png at ${await percent()}%`);
    while ((await percent()) < 100 && Date.now() < deadline + 240_000) await sleep(500);
    // Albums follow the results within seconds: wait until Best picks holds the same photos for a while.
    const bestCount = async () => {
      const { albums } = (await (await context.request.get(`/api/teams/${teamId}/sets/${set.id}/albums`)).json()) as { albums: { kind: string; photoCount: number }[] };
      return albums.find((a) => a.kind === "BEST")?.photoCount ?? 0;
    };
    for (let last = -1, same = 0; same < 4 && Date.now() < deadline + 300_000; await sleep(1000)) {
      const n = await bestCount();
      same = n === last && n > 0 ? same + 1 : 0;
      last = n;
    }

    // The results grid, best first, with three photos selected: the bulk actions bar.
    await page.goto(`/t/${teamId}/sets/${set.id}/results`);
    await page.getByTestId("results-grid").waitFor();
    for (const i of [0, 1, 2]) await page.locator('[data-testid="results-grid"] > li input[type="checkbox"]').nth(i).click();
    await page.getByTestId("bulk-bar").waitFor();
    await settle(page);
    await page.screenshot({ path: path.join(outDir, "results.png"), fullPage: false });
    console.log("results.png");

    await page.goto(`/t/${teamId}/sets/${set.id}/albums`);
    await page.getByTestId("album-best").click();
    await page.waitForURL(/\/albums\/[^/]+$/);
    const albumId = new URL(page.url()).pathname.split("/").at(-1)!;
    await page.getByTestId("grid-preview").waitFor();
    await settle(page);
    await page.screenshot({ path: path.join(outDir, "grid-preview.png"), fullPage: true });
    console.log("grid-preview.png");

    const share = await context.request.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: true, expiresInDays: 7 } });
    const shareUrl = new URL(((await share.json()) as { path: string }).path, base).toString();
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const sp = await stranger.newPage();
    await sp.goto(shareUrl);
    await sp.getByTestId("shared-grid").waitFor();
    await settle(sp);
    await sp.screenshot({ path: path.join(outDir, "shared-album.png"), fullPage: false });
    console.log("shared-album.png");
  } finally {
    await browser.close();
    await app.stop();
    await llama.close();
    await dropDatabase(name);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every image loaded and every transition (the progress bar's) finished, so the picture shows what the page says. */
async function settle(page: Page): Promise<void> {
  // A page that polls (the dashboard) may never be idle for long: images and animations are what count.
  await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => undefined);
  // A string, not a function: tsx would wrap a function's inner names in a helper the page does not have.
  // Lazy images below the fold would never load (and a full-page picture needs them).
  await page.evaluate(`(async () => {
    for (const img of document.images) img.loading = "eager";
    const ready = Promise.all([...document.images].map((img) =>
      img.complete ? null : new Promise((done) => { img.addEventListener("load", done, { once: true }); img.addEventListener("error", done, { once: true }); }),
    )).then(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))));
    await Promise.race([ready, new Promise((done) => setTimeout(done, 20000))]);
  })()`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
