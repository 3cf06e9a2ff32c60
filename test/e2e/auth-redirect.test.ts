// After sign-in or sign-up the browser follows ?callbackUrl= only to a path of
// this site. "//evil.example" and "/\evil.example" are read by browsers as
// another host; the test serves a page for that host (no network here) so a
// wrong redirect lands somewhere visible instead of failing to load.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newUser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function contextWithEvilHost(): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl });
  await context.route(/^https?:\/\/evil\.example\//, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" }),
  );
  return context;
}

/** Where the page is once it has left the form. */
async function landing(page: import("playwright-core").Page, formPath: string): Promise<URL> {
  await page.waitForURL((u) => u.pathname !== formPath || u.origin !== baseUrl);
  await page.waitForLoadState("domcontentloaded");
  return new URL(page.url());
}

const EVIL = ["//evil.example", "/\\evil.example", "/.//evil.example", "https://evil.example/"];

describe("redirect after sign-in and sign-up", () => {
  it.each(EVIL)("sign-in with callbackUrl=%j stays on this site", async (target) => {
    const user = newUser("redir");
    const context = await contextWithEvilHost();
    expect((await context.request.post("/api/signup", { data: user })).ok()).toBe(true);
    const page = await context.newPage();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const url = await landing(page, "/signin");
    expect(url.origin).toBe(baseUrl);
    // "/" sends a signed-in user on to their team.
    expect(url.pathname).toMatch(/^\/(t\/[^/]+)?$/);
    await context.close();
  });

  it.each(EVIL.slice(0, 2))("sign-up with callbackUrl=%j stays on this site", async (target) => {
    const user = newUser("redir-up");
    const context = await contextWithEvilHost();
    const page = await context.newPage();
    await page.goto(`/signup?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    const url = await landing(page, "/signup");
    expect(url.origin).toBe(baseUrl);
    expect(url.pathname).toMatch(/^\/(t\/[^/]+)?$/);
    await context.close();
  });

  it("a path of this site is followed", async () => {
    const user = newUser("redir-ok");
    const context = await contextWithEvilHost();
    expect((await context.request.post("/api/signup", { data: user })).ok()).toBe(true);
    const page = await context.newPage();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent("/teams/new")}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const url = await landing(page, "/signin");
    expect(`${url.origin}${url.pathname}`).toBe(`${baseUrl}/teams/new`);
    await context.close();
  });
});
