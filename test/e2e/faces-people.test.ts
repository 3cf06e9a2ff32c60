// Issue 15 in a real browser, with the face stage on (the suite's shared app
// runs it off): photos of the labelled face set, with people and without, are
// uploaded through the set page's file input to an app without an API key;
// once the face stage has scanned them, the results grid shows each card's
// people count and its closed-eyes warning, the People filter (All / With
// people / Without people / Groups 3+ / Eyes closed or soft face) narrows the
// grid and lives in the URL, and the photo page says how many people, which
// faces' eyes are closed, the category "people" and the tag "group".
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppProcess } from "../helpers/app-process";
import { launchBrowser, signedInUser } from "../helpers/browser";
import { createDatabase, dropDatabase } from "../helpers/pg";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/faces");
// Counts and closed eyes the face stage finds on these (test/integration/faces-stage.test.ts).
const PHOTOS = ["astronaut.jpg", "trio-grass.jpg", "four-brick.jpg", "none-coffee.jpg", "none-chelsea.jpg"];
const SLOW = { timeout: 20_000, interval: 250 };
let browser: Browser;
let app: AppProcess;
let dbName: string;
const dataDir = mkdtempSync(path.join(tmpdir(), "insta-e2e-faces-"));

beforeAll(async () => {
  const db = await createDatabase("e2efaces");
  dbName = db.name;
  app = await startApp(
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      NEXTAUTH_SECRET: "e2e-faces-secret-0123456789abcdef",
      FACES_ENABLED: "1",
    },
    4100 + (process.pid % 300),
  );
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dbName) await dropDatabase(dbName);
  rmSync(dataDir, { recursive: true, force: true });
});

/** The names on the grid's cards, in the order shown. */
const tileNames = (page: Page) =>
  page.locator('[data-testid="results-grid"] > li div[title]').evaluateAll((els) => els.map((e) => e.getAttribute("title") ?? ""));
const tile = (page: Page, name: string) => page.locator('[data-testid="results-grid"] > li').filter({ has: page.locator(`div[title="${name}"]`) });

describe("people in the results", () => {
  it("shows face badges, filters by people through the URL, and the photo page's face info", async () => {
    const { context, page, teamId } = await signedInUser(browser, app.baseUrl, "faces");
    const r = context.request;
    const { set } = (await (await r.post(`/api/teams/${teamId}/sets`, { data: { name: "Party" } })).json()) as { set: { id: string } };
    await page.goto(`/t/${teamId}/sets/${set.id}`);
    await page.getByTestId("file-input").setInputFiles(PHOTOS.map((name) => ({ name, mimeType: "image/jpeg", buffer: readFileSync(path.join(FIXTURES, name)) })));
    await expect.poll(() => page.getByTestId("count-uploaded").textContent(), { timeout: 60_000 }).toBe(`${PHOTOS.length} uploaded`);

    // The face stage runs after the image pipeline: wait until every photo has been looked at.
    const results = `/api/teams/${teamId}/sets/${set.id}/analysis/results`;
    const total = async (people: string) => ((await (await r.get(`${results}?people=${people}`)).json()) as { total: number }).total;
    await expect.poll(async () => (await total("with")) + (await total("without")), { timeout: 180_000, interval: 1000 }).toBe(PHOTOS.length);

    // The grid: people counts and closed-eye warnings on the cards.
    const grid = `/t/${teamId}/sets/${set.id}/results`;
    await page.goto(`${grid}?sort=name`);
    await expect.poll(() => page.getByTestId("results-total").textContent(), SLOW).toBe("5 photos");
    const badge = (name: string, testId: string) => tile(page, name).getByTestId(testId);
    expect(await badge("astronaut.jpg", "tile-faces").textContent()).toBe("1 person");
    expect(await badge("trio-grass.jpg", "tile-faces").textContent()).toBe("3 people");
    expect(await badge("four-brick.jpg", "tile-faces").textContent()).toBe("4 people");
    expect(await badge("trio-grass.jpg", "tile-face-warning").textContent()).toBe("⚠ eyes closed in 1 of 3 faces");
    expect(await badge("four-brick.jpg", "tile-face-warning").textContent()).toBe("⚠ eyes closed in 2 of 4 faces");
    expect(await badge("astronaut.jpg", "tile-face-warning").count()).toBe(0);
    for (const none of ["none-coffee.jpg", "none-chelsea.jpg"]) {
      expect(await badge(none, "tile-faces").count(), none).toBe(0);
      expect(await badge(none, "tile-face-warning").count(), none).toBe(0);
    }

    // The People filter narrows the grid and is written to the URL.
    const choose = async (value: string, want: string[]) => {
      await page.getByTestId("filter-people").selectOption(value);
      await expect.poll(() => tileNames(page), SLOW).toEqual(want);
      expect(new URL(page.url()).searchParams.get("people")).toBe(value);
    };
    await choose("with", ["astronaut.jpg", "four-brick.jpg", "trio-grass.jpg"]);
    await choose("without", ["none-chelsea.jpg", "none-coffee.jpg"]);
    await choose("groups", ["four-brick.jpg", "trio-grass.jpg"]);
    await choose("problems", ["four-brick.jpg", "trio-grass.jpg"]);
    // A reload (or a shared link) brings the same view.
    await page.goto(`${grid}?sort=name&people=groups`);
    await expect.poll(() => tileNames(page), SLOW).toEqual(["four-brick.jpg", "trio-grass.jpg"]);
    expect(await page.getByTestId("filter-people").inputValue()).toBe("groups");
    await page.getByTestId("filter-people").selectOption("");
    await expect.poll(() => tileNames(page), SLOW).toHaveLength(5);
    expect(new URL(page.url()).searchParams.has("people")).toBe(false);

    // The photo page: how many people, whose eyes are closed, and without a key the category and the group tag.
    await tile(page, "trio-grass.jpg").getByRole("link").click();
    await page.waitForURL(/\/photos\/[^/]+$/);
    await expect.poll(() => page.getByTestId("faces").textContent(), SLOW).toMatch(/^3 people/);
    expect(await page.getByTestId("face-problems").textContent()).toBe("(eyes closed in 1 of 3 faces)");
    expect(await page.getByTestId("category").textContent()).toBe("people");
    expect(await page.getByTestId("local-tags").textContent()).toMatch(/^Tags: group /);
    await page.goBack();
    await expect.poll(() => tileNames(page), SLOW).toHaveLength(5);
    await tile(page, "none-coffee.jpg").getByRole("link").click();
    await page.waitForURL(/\/photos\/[^/]+$/);
    await expect.poll(() => page.getByTestId("faces").textContent(), SLOW).toBe("no people");
    expect(await page.getByTestId("category").textContent()).toBe("—");
    expect(await page.getByTestId("local-tags").count()).toBe(0);
    await context.close();
  }, 300_000);
});
