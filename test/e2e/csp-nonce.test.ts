// Pages run no inline script the server did not write: script-src carries a
// fresh nonce per page request and no 'unsafe-inline' (proxy.ts). Every inline
// script Next writes carries that nonce, and the pages still hydrate and work
// under the policy (no violation reported in the browser).
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, signedInUser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

function scriptSrc(policies: string[]): string[] {
  return policies.map((p) => p.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "");
}

/** The CSP violations the browser reports while `run` goes on. */
async function violations(page: Page, run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) seen.push(m.text());
  });
  await run();
  return seen;
}

describe("page CSP with nonces", () => {
  it("each page answer has a fresh nonce in script-src, no 'unsafe-inline', and every inline script carries it", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl });
    const nonces: string[] = [];
    for (const path of ["/signin", "/signup", "/signin"]) {
      const res = await ctx.request.get(path);
      const policies = res.headersArray().filter((h) => h.name.toLowerCase() === "content-security-policy").map((h) => h.value);
      expect(policies.length, path).toBeGreaterThan(0);
      for (const src of scriptSrc(policies)) {
        expect(src, path).not.toContain("'unsafe-inline'");
      }
      const nonce = /'nonce-([^']+)'/.exec(policies.join(";"))?.[1];
      expect(nonce, path).toBeTruthy();
      nonces.push(nonce!);
      const html = await res.text();
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
      expect(inline.length, path).toBeGreaterThan(0);
      for (const attrs of inline) expect(attrs, path).toContain(`nonce="${nonce}"`);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
    await ctx.close();
  });

  it("pages hydrate and work under the policy: sign in through the form, open the team, no violations", async () => {
    const { context, page, user, teamId } = await signedInUser(browser, baseUrl, "csp");
    await context.clearCookies();
    const seen = await violations(page, async () => {
      await page.goto("/signin");
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(new RegExp(`/t/${teamId}$`));
      await page.goto(`/t/${teamId}/members`);
      await page.getByRole("button", { name: "Create invitation link" }).waitFor();
    });
    expect(seen).toEqual([]);
    await context.close();
  });
});
