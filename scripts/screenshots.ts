// npm run screenshots - docs/screenshots/{dashboard,grid-preview,shared-album}.png
//
// Runs the real product end to end: the built app on a fresh Postgres
// database, the local Llama-protocol server (test/llama-server) standing in
// for the API with a slow-ish latency so a run is visibly in progress, 24
// generated photos uploaded through the upload API, the app's own workers
// analysing them. Then Chromium (/usr/bin/chromium, playwright-core) takes the
// pictures. Needs `npm run build` first.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp } from "../test/helpers/app-process";
import { launchBrowser, newUser, personalTeamId, signInViaApi } from "../test/helpers/browser";
import { nearDuplicateOf, sceneJpeg } from "../test/helpers/images";
import { createDatabase, dropDatabase } from "../test/helpers/pg";
import { createLlamaServer } from "../test/llama-server/server";

const PHOTOS = 24;
const root = path.resolve(import.meta.dirname, "..");
const outDir = path.join(root, "docs", "screenshots");

async function main() {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("needs a production build: run `npm run build` first");
  mkdirSync(outDir, { recursive: true });
  const { name, url } = await createDatabase("shots");
  const dataDir = mkdtempSync(path.join(tmpdir(), "screenshots-"));
  const llama = await createLlamaServer({ rpm: 120, tpm: 10_000_000, latencyMedianMs: 1500, apiKey: "screenshots-key", seed: 3 });
  const app = await startApp(
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      NEXTAUTH_SECRET: "screenshots-secret-0123456789ab",
      LLAMA_API_KEY: "screenshots-key",
      LLAMA_API_BASE_URL: llama.url,
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
    const created = await context.request.post(`/api/teams/${teamId}/sets`, { data: { name: "Lisbon weekend" } });
    const { set } = (await created.json()) as { set: { id: string } };

    for (let i = 0; i < PHOTOS; i++) {
      const jpeg = i % 6 === 5 ? await nearDuplicateOf(await sceneJpeg(100 + i - 1, 1200, 900)) : await sceneJpeg(100 + i, 1200, 900);
      const res = await context.request.post(`/api/teams/${teamId}/sets/${set.id}/uploads`, {
        multipart: { file: { name: `IMG_${String(2040 + i)}.jpg`, mimeType: "image/jpeg", buffer: jpeg } },
      });
      if (!res.ok()) throw new Error(`upload failed: ${res.status()} ${await res.text()}`);
    }

    const page = await context.newPage();
    await page.goto(`/t/${teamId}/sets/${set.id}/dashboard`);
    await page.getByTestId("progress-percent").waitFor();
    const percent = async () => Number((await page.getByTestId("progress-percent").textContent())?.replace("%", ""));
    // Mid-run if we can catch it, so the rate-limit state and ETA are live.
    const deadline = Date.now() + 120_000;
    while ((await percent()) < 35 && Date.now() < deadline) await sleep(300);
    await page.screenshot({ path: path.join(outDir, "dashboard.png"), fullPage: true });
    console.log(`dashboard.png at ${await percent()}%`);
    while ((await percent()) < 100 && Date.now() < deadline + 120_000) await sleep(500);

    await page.goto(`/t/${teamId}/sets/${set.id}/albums`);
    await page.getByTestId("album-best").click();
    await page.waitForURL(/\/albums\/[^/]+$/);
    const albumId = new URL(page.url()).pathname.split("/").at(-1)!;
    await page.getByTestId("grid-preview").waitFor();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: path.join(outDir, "grid-preview.png"), fullPage: true });
    console.log("grid-preview.png");

    const share = await context.request.post(`/api/teams/${teamId}/albums/${albumId}/shares`, { data: { allowDownload: true, expiresInDays: 7 } });
    const shareUrl = new URL(((await share.json()) as { path: string }).path, base).toString();
    const stranger = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const sp = await stranger.newPage();
    await sp.goto(shareUrl);
    await sp.getByTestId("shared-grid").waitFor();
    await sp.waitForLoadState("networkidle");
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

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
