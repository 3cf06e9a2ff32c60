// With no DATABASE_URL the app runs on embedded PGlite in DATA_DIR: a new user
// signs up, creates a team and invites someone, and it all survives a restart;
// with the default workers (PGlite is one process's database, so the analysis
// worker runs inside the server here) an uploaded photo is prepared and analysed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../helpers/app-process";
import { AppClient } from "../helpers/app-client";
import { launchBrowser, newUser, signInViaApi } from "../helpers/browser";
import { until } from "../helpers/faults-wait";
import { sceneJpeg } from "../helpers/images";

let browser: Browser;
const dataDir = mkdtempSync(path.join(tmpdir(), "insta-pglite-"));
const port = 3700 + (process.pid % 200);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, RUN_WORKERS: "0" };

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded database", () => {
  it("serves sign-up, teams and invitations without a database server, across a restart", async () => {
    let app = await startApp(env, port);
    try {
      const user = newUser("pglite");
      const ctx = await browser.newContext({ baseURL: app.baseUrl });
      expect((await ctx.request.post("/api/signup", { data: user })).status()).toBe(202);
      await signInViaApi(ctx, app.baseUrl, user);
      const created = await ctx.request.post("/api/teams", { data: { name: "Embedded team" } });
      expect(created.status()).toBe(201);
      const { team } = (await created.json()) as { team: { id: string } };
      const inv = await ctx.request.post(`/api/teams/${team.id}/invitations`, { data: { role: "MEMBER" } });
      expect(inv.status()).toBe(201);
      await ctx.close();

      await app.stop();
      app = await startApp(env, port);
      const ctx2 = await browser.newContext({ baseURL: app.baseUrl });
      await signInViaApi(ctx2, app.baseUrl, user);
      const teams = (await (await ctx2.request.get("/api/teams")).json()) as { teams: { name: string }[] };
      expect(teams.teams.map((t) => t.name).sort()).toEqual(["Embedded team", `${user.name}'s team`].sort());
      const page = await ctx2.newPage();
      await page.goto(`/t/${team.id}/members`);
      await expect(page.getByRole("heading", { name: "Members of Embedded team" }).isVisible()).resolves.toBe(true);
      await ctx2.close();
    } finally {
      await app.stop();
    }
  });

  it("prepares and analyses an uploaded photo with the default workers (local analysis, no API key)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "insta-pglite-workers-"));
    const app = await startApp({ PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir }, port + 1);
    try {
      const client = new AppClient(app.baseUrl);
      await client.signUp();
      const { set } = await client.json<{ set: { id: string } }>("POST", `/api/teams/${client.teamId}/sets`, { name: "embedded" });
      const up = await client.upload(`/api/teams/${client.teamId}/sets/${set.id}/uploads`, [{ name: "a.jpg", data: await sceneJpeg(3, 800, 600) }]);
      expect(up.status).toBe(200);
      const progress = () => client.json<{ counts: Record<string, number> }>("GET", `/api/teams/${client.teamId}/sets/${set.id}/analysis`);
      await until(async () => (await progress()).counts.ANALYZED === 1, 60_000, "the photo to be analysed");
    } finally {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
