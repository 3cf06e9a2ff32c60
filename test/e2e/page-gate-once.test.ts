// A team page reads the membership gate once per request (issue 16, item 4):
// the team layout, the set layout and the page each ask pageTeamAccess, and
// React's cache() answers the second and third from the first. Counted from the
// app's own query log (SLOW_QUERY_MS=0 logs every query with its SQL).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../helpers/app-process";
import { launchBrowser, newUser, signInViaApi } from "../helpers/browser";
import { until } from "../helpers/faults-wait";

let browser: Browser;
const dataDir = mkdtempSync(path.join(tmpdir(), "insta-gate-once-"));
const port = 3900 + (process.pid % 90);
// Embedded PGlite: no database to share with other suites; no workers, so every query logged is a request's.
const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, RUN_WORKERS: "0", SLOW_QUERY_MS: "0" };

/** The gate's one SQL statement (lib/teams/access.ts readAccess). */
const GATE = /LEFT JOIN "Membership" m ON m\."userId" = u\.id/g;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("team pages", () => {
  it("run the membership gate once for a page under two layouts", async () => {
    const app = await startApp(env, port);
    try {
      const user = newUser("gate");
      const ctx = await browser.newContext({ baseURL: app.baseUrl });
      expect((await ctx.request.post("/api/signup", { data: user })).status()).toBe(202);
      await signInViaApi(ctx, app.baseUrl, user);
      const { team } = (await (await ctx.request.post("/api/teams", { data: { name: "Gate team" } })).json()) as { team: { id: string } };
      const { set } = (await (await ctx.request.post(`/api/teams/${team.id}/sets`, { data: { name: "Gate set" } })).json()) as { set: { id: string } };

      const from = app.output().length;
      const page = await ctx.request.get(`/t/${team.id}/sets/${set.id}/results`);
      expect(page.status()).toBe(200);
      expect(await page.text()).toContain("Gate set");
      // A request the results page never makes (it reads no invitation): once its
      // query is in the log, everything the page logged before it is there too.
      expect((await ctx.request.get(`/api/teams/${team.id}/invitations`)).status()).toBe(200);
      await until(() => app.output().slice(from).includes('"Invitation"'), 30_000, "the marker request's query in the log");
      const pageLog = app.output().slice(from, from + app.output().slice(from).indexOf('"Invitation"'));
      // The marker request's own gate runs just before its query: one is the page's.
      expect(pageLog.match(GATE)?.length ?? 0).toBe(2);
      await ctx.close();
    } finally {
      await app.stop();
    }
  });
});
