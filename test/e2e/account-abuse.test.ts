// Issue 13's account-abuse probes against the running app: six wrong passwords
// from a stranger no longer lock the owner out of the browser they use; 40
// parallel sign-ins for made-up e-mails are not 40 scrypt runs at once; and
// sign-up does not say which e-mails have accounts, neither in its answer nor in
// the form. (The per-address sign-up limit is tested in
// test/integration/account-abuse.test.ts: here every header-less sign-up of
// the suite comes from 127.0.0.1, so e2e-setup raises it.)
import type { APIRequestContext, Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, newUser, signedInUser } from "../helpers/browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

let ipSeq = 0;
const freshIp = () => `203.0.113.${(process.pid + ++ipSeq) % 250}`;

/** One credentials sign-in; the error next-auth put in the answer's URL ("" when none). */
async function signIn(r: APIRequestContext, email: string, password: string, ip?: string): Promise<{ ok: boolean; error: string }> {
  const { csrfToken } = (await (await r.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await r.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    headers: ip ? { "x-forwarded-for": ip } : {},
    maxRedirects: 0,
  });
  const url = ((await res.json().catch(() => ({}))) as { url?: string }).url ?? res.headers()["location"] ?? "";
  const error = new URL(url, baseUrl).searchParams.get("error") ?? "";
  return { ok: !error && res.status() < 400, error };
}

describe("account abuse", () => {
  it("a stranger's six wrong passwords do not lock the owner out of their own browser", async () => {
    const { context, user } = await signedInUser(browser, baseUrl, "lockout");
    const stranger = await browser.newContext({ baseURL: baseUrl });
    for (let i = 0; i < 6; i++) expect((await signIn(stranger.request, user.email, `wrong-password-${i}`, freshIp())).ok).toBe(false);
    const refused = await signIn(stranger.request, user.email, user.password, freshIp());
    expect(refused.error).toContain("Too many failed sign-in attempts");

    // The owner's browser signed in before: it holds the known-client cookie, not the session alone.
    const { csrfToken } = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await context.request.post("/api/auth/signout", { form: { csrfToken, json: "true" } });
    expect((await context.request.get("/api/teams")).status()).toBe(401);
    expect(await signIn(context.request, user.email, user.password, freshIp())).toEqual({ ok: true, error: "" });
    expect((await context.request.get("/api/teams")).status()).toBe(200);
    await Promise.all([context.close(), stranger.close()]);
  });

  it("40 parallel sign-ins for made-up e-mails: what the hashing gate cannot queue is refused as busy", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl });
    const tag = Math.random().toString(36).slice(2, 8);
    await ctx.request.get("/api/auth/csrf"); // one CSRF cookie for all 40, not 40 racing to set it
    // Each from its own address and e-mail, so no address or account limit binds: only the gate can refuse.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(ctx.request, `nobody-${tag}-${i}@example.test`, "wrong-password-123", `198.18.${ipSeq}.${i + 1}`)),
    );
    const busy = results.filter((r) => r.error.includes("too many passwords"));
    const wrong = results.filter((r) => r.error === "CredentialsSignin");
    expect(busy.length + wrong.length).toBe(40);
    expect(busy.length).toBeGreaterThan(0);
    console.log(`40 parallel sign-ins for unknown e-mails: ${busy.length} refused as busy, ${wrong.length} checked`);
    await ctx.close();
  });

  it("sign-up answers a taken e-mail exactly as a new one, and the form says what to do", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl });
    const u = newUser("taken");
    const first = await ctx.request.post("/api/signup", { data: u });
    const second = await ctx.request.post("/api/signup", { data: { ...u, name: "Someone else", password: "another-password-42" } });
    expect(second.status()).toBe(first.status());
    expect(await second.json()).toEqual(await first.json());
    // The account was not touched: its own password still signs in, the other does not.
    expect((await signIn(ctx.request, u.email, "another-password-42")).ok).toBe(false);
    expect((await signIn(ctx.request, u.email, u.password)).ok).toBe(true);

    const page = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    await page.goto("/signup");
    await page.getByLabel("Name").fill("Someone else");
    await page.getByLabel("Email").fill(u.email);
    await page.getByLabel("Password").fill("another-password-42");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByTestId("form-error").waitFor();
    await expect(page.getByTestId("form-error").textContent()).resolves.toContain("If this e-mail already has an account, sign in");
    await Promise.all([ctx.close(), page.context().close()]);
  });
});
