// Account safety against the running app: password rules, sign-in throttling
// per account and per address, session and share cookies' flags (Secure when
// the public URL is https), security headers, hashed share secrets, and
// next-auth's own CSRF token on sign-in.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { APIRequestContext, Browser } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startApp } from "../helpers/app-process";
import { launchBrowser, newUser, signedInUser } from "../helpers/browser";
import "../helpers/hardening-fixture";

const baseUrl = inject("baseUrl");
const databaseUrl = inject("databaseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Each test signs in from its own made-up address so failures here never
// throttle the address other suites share.
let ipSeq = 0;
const freshIp = () => `198.51.100.${(process.pid + ++ipSeq) % 250}`;

/** One credentials sign-in through next-auth; true when it created a session. */
async function signIn(r: APIRequestContext, email: string, password: string, ip: string): Promise<{ ok: boolean; url: string }> {
  const { csrfToken } = (await (await r.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await r.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    headers: { "x-forwarded-for": ip },
    maxRedirects: 0,
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  const url = body.url ?? res.headers()["location"] ?? "";
  const session = (await (await r.get("/api/auth/session")).json()) as { user?: unknown };
  if (session.user) await r.post("/api/auth/signout", { form: { csrfToken, json: "true" } });
  return { ok: Boolean(session.user) && !url.includes("error="), url };
}

async function signUp(r: APIRequestContext, password: string) {
  const u = newUser("pw");
  return r.post("/api/signup", { data: { ...u, password } });
}

describe("account safety", () => {
  it("refuses weak passwords with a reason, accepts a good one", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl });
    for (const [pw, reason] of [
      ["short-1", "at least 10"],
      ["aaaaaaaaaaaaaaa", "repetitive"],
      ["x".repeat(150) + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2), "at most 200"],
    ] as const) {
      const res = await signUp(ctx.request, pw);
      expect(res.status(), pw).toBe(400);
      expect(await res.text()).toContain(reason);
    }
    expect((await signUp(ctx.request, "correct-horse-battery")).status()).toBe(202);
    await ctx.close();
  });

  it("throttles sign-in per account: after 5 failures even the right password is refused", async () => {
    const { context, user } = await signedInUser(browser, baseUrl, "throttle");
    await context.clearCookies();
    const r = context.request;
    for (let i = 0; i < 5; i++) {
      // Different addresses: this is the per-account limit, not the per-address one.
      expect((await signIn(r, user.email, "wrong-password-xyz", freshIp())).ok).toBe(false);
    }
    const refused = await signIn(r, user.email, user.password, freshIp());
    expect(refused.ok).toBe(false);
    expect(decodeURIComponent(refused.url)).toContain("Too many failed sign-in attempts");
    await context.close();
  });

  it("throttles sign-in per address: 30 failures on many accounts block that address only", async () => {
    const { context, user } = await signedInUser(browser, baseUrl, "addr");
    await context.clearCookies();
    const r = context.request;
    const ip = freshIp();
    for (let i = 0; i < 30; i++) {
      // Unknown accounts: each counts once against the address, never five times against one account.
      await signIn(r, `nobody-${i}-${ip}@example.test`, "wrong-password-xyz", ip);
    }
    const blocked = await signIn(r, user.email, user.password, ip);
    expect(blocked.ok).toBe(false);
    expect(decodeURIComponent(blocked.url)).toContain("Too many failed sign-in attempts");
    expect((await signIn(r, user.email, user.password, freshIp())).ok).toBe(true);
    await context.close();
  });

  it("sign-in without next-auth's CSRF token creates no session", async () => {
    const u = newUser("csrf");
    const ctx = await browser.newContext({ baseURL: baseUrl });
    expect((await ctx.request.post("/api/signup", { data: u })).status()).toBe(202);
    await ctx.request.post("/api/auth/callback/credentials", {
      form: { csrfToken: "forged", email: u.email, password: u.password, json: "true" },
      headers: { "x-forwarded-for": freshIp() },
      maxRedirects: 0,
    });
    const session = (await (await ctx.request.get("/api/auth/session")).json()) as { user?: unknown };
    expect(session.user).toBeUndefined();
    await ctx.close();
  });

  it("the session cookie is HttpOnly and SameSite=Lax (and not Secure over plain http)", async () => {
    const u = newUser("cookie");
    const ctx = await browser.newContext({ baseURL: baseUrl });
    await ctx.request.post("/api/signup", { data: u });
    const { csrfToken } = (await (await ctx.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await ctx.request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: u.email, password: u.password, json: "true" },
      maxRedirects: 0,
    });
    const cookies = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
    const session = cookies.find((c) => c.startsWith("next-auth.session-token="));
    expect(session, cookies.join("\n")).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    await ctx.close();
  });

  it("behind https (NEXTAUTH_URL https) the session cookie is Secure", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "insta-hard-https-"));
    const port = 3700 + (process.pid % 200);
    const app = await startApp(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef",
        NEXTAUTH_URL: "https://photos.example.test",
        RUN_WORKERS: "0",
      },
      port,
    );
    try {
      const u = newUser("https");
      const base = `http://127.0.0.1:${port}`;
      const su = await fetch(`${base}/api/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(u) });
      expect(su.status).toBe(202);
      const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers: { "x-forwarded-proto": "https" } });
      const csrfCookie = csrfRes.headers.getSetCookie().find((c) => c.includes("csrf-token="));
      expect(csrfCookie).toMatch(/^__Host-next-auth\.csrf-token=/);
      expect(csrfCookie).toMatch(/;\s*Secure/i);
      const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
      const res = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-proto": "https",
          "x-forwarded-for": freshIp(),
          cookie: csrfCookie!.split(";")[0]!,
        },
        body: new URLSearchParams({ csrfToken, email: u.email, password: u.password, json: "true" }).toString(),
      });
      const session = res.headers.getSetCookie().find((c) => c.startsWith("__Secure-next-auth.session-token="));
      expect(session, res.headers.getSetCookie().join("\n")).toBeDefined();
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/;\s*HttpOnly/i);
      expect(session).toMatch(/;\s*SameSite=Lax/i);
      const cookie = session!.split(";")[0]!;

      // HSTS on pages, API answers and the progress poll the app server answers itself.
      for (const p of ["/signin", "/api/auth/session", "/api/teams", "/api/teams/x/sets/y/analysis"]) {
        const h = (await fetch(`${base}${p}`, { redirect: "manual", headers: { cookie } })).headers;
        expect(h.get("strict-transport-security"), p).toBe("max-age=31536000");
      }

      // The share unlock cookie is Secure by the configured URL, though this request came over plain http.
      const teams = (await (await fetch(`${base}/api/teams`, { headers: { cookie } })).json()) as { teams: { id: string }[] };
      const teamId = teams.teams[0]!.id;
      const post = (p: string, data: unknown, extra: Record<string, string> = {}) =>
        fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json", cookie, ...extra }, body: JSON.stringify(data) });
      const album = (await (await post(`/api/teams/${teamId}/albums`, { name: "https share" })).json()) as { id: string };
      const share = (await (await post(`/api/teams/${teamId}/albums/${album.id}/shares`, { password: "open-sesame-42" })).json()) as { token: string };
      const unlock = await fetch(`${base}/api/share/${share.token}/unlock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "open-sesame-42" }),
      });
      expect(unlock.status).toBe(200);
      const shareCookie = unlock.headers.getSetCookie().find((c) => c.startsWith("share_"));
      expect(shareCookie).toMatch(/;\s*Secure/i);
    } finally {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("sends the security headers on pages and API answers", async () => {
    const ctx = await browser.newContext({ baseURL: baseUrl });
    for (const p of ["/signin", "/api/auth/session", "/api/teams", "/s/not-a-token"]) {
      const h = (await ctx.request.get(p, { maxRedirects: 0 })).headers();
      expect(h["content-security-policy"], p).toContain("frame-ancestors 'none'");
      expect(h["content-security-policy"], p).toContain("object-src 'none'");
      expect(h["content-security-policy"], p).toContain("default-src 'self'");
      expect(h["x-content-type-options"], p).toBe("nosniff");
      expect(h["referrer-policy"], p).toBe("strict-origin-when-cross-origin");
      expect(h["x-frame-options"], p).toBe("DENY");
      expect(h["x-powered-by"], p).toBeUndefined();
      // Over plain http (this app's NEXTAUTH_URL) no HSTS: a browser would refuse the site afterwards.
      expect(h["strict-transport-security"], p).toBeUndefined();
    }
    await ctx.close();
  });

  it("stores share-link tokens and passwords only as hashes; the unlock cookie is HttpOnly; wrong passwords are throttled", async () => {
    const owner = await signedInUser(browser, baseUrl, "sharer");
    const r = owner.context.request;
    const album = (await (await r.post(`/api/teams/${owner.teamId}/albums`, { data: { name: "shared" } })).json()) as { id: string };
    const password = "open-sesame-42";
    const share = (await (await r.post(`/api/teams/${owner.teamId}/albums/${album.id}/shares`, { data: { password } })).json()) as {
      id: string;
      token: string;
    };
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT * FROM "ShareLink" WHERE id = $1`, [share.id]);
      const row = JSON.stringify(rows[0]);
      expect(row).not.toContain(share.token);
      expect(row).not.toContain(password);
      expect(rows[0].tokenHash).toBe(createHash("sha256").update(share.token).digest("hex"));
      expect(rows[0].passwordHash).toMatch(/^scrypt\$/);
    } finally {
      await client.end();
    }

    const visitor = await browser.newContext({ baseURL: baseUrl });
    const v = visitor.request;
    expect((await v.get(`/api/share/${share.token}`)).status()).toBe(401);
    // A token one character off is just "not found", like any unknown link.
    const off = share.token.slice(0, -1) + (share.token.endsWith("A") ? "B" : "A");
    expect((await v.get(`/api/share/${off}`)).status()).toBe(404);
    const ok = await v.post(`/api/share/${share.token}/unlock`, { data: { password } });
    expect(ok.status()).toBe(200);
    const cookie = ok.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("share_"))?.value ?? "";
    expect(cookie).toMatch(new RegExp(`^share_${share.id}=`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect((await v.get(`/api/share/${share.token}`)).status()).toBe(200);

    // A forged cookie value opens nothing.
    const other = await browser.newContext({ baseURL: baseUrl });
    await other.addCookies([{ name: `share_${share.id}`, value: `${Math.floor(Date.now() / 1000) + 3600}.forged`, url: baseUrl }]);
    expect((await other.request.get(`/api/share/${share.token}`)).status()).toBe(401);

    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await other.request.post(`/api/share/${share.token}/unlock`, { data: { password: `nope-${i}` } })).status());
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // For a browser that never opened the link, throttled means throttled: the right password waits too.
    expect((await other.request.post(`/api/share/${share.token}/unlock`, { data: { password } })).status()).toBe(429);
    // The visitor who opened it before is not locked out by the stranger (its known-client cookie),
    // even once its 12-hour access cookie is gone.
    await visitor.clearCookies({ name: `share_${share.id}` });
    expect((await v.get(`/api/share/${share.token}`)).status()).toBe(401);
    expect((await v.post(`/api/share/${share.token}/unlock`, { data: { password } })).status()).toBe(200);
    expect((await v.get(`/api/share/${share.token}`)).status()).toBe(200);
    await Promise.all([owner.context.close(), visitor.close(), other.close()]);
  });
});
