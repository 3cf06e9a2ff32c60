// Headless Chromium from Debian (no browser download here), and fixtures that
// create users through the real API so tests start signed in.
import { randomBytes } from "node:crypto";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

export interface TestUser {
  email: string;
  name: string;
  password: string;
}

export function newUser(label = "user"): TestUser {
  const id = randomBytes(4).toString("hex");
  return { email: `${label}-${id}@example.test`, name: `${label} ${id}`, password: `pw-${id}-correct-horse` };
}

/** Signs in through next-auth's credentials endpoint; the context then carries the session cookie. */
export async function signInViaApi(context: BrowserContext, baseUrl: string, user: TestUser): Promise<void> {
  const csrf = (await (await context.request.get(`${baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
  const res = await context.request.post(`${baseUrl}/api/auth/callback/credentials`, {
    form: { csrfToken: csrf.csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  if (res.status() >= 400) throw new Error(`sign-in failed: ${res.status()}`);
  const session = (await (await context.request.get(`${baseUrl}/api/auth/session`)).json()) as { user?: unknown };
  if (!session.user) throw new Error("sign-in did not create a session");
}

/** The signed-in user's personal team (sign-up's answer does not name it: it is the same for a taken e-mail). */
export async function personalTeamId(context: BrowserContext, baseUrl: string): Promise<string> {
  const { teams } = (await (await context.request.get(`${baseUrl}/api/teams`)).json()) as { teams: { id: string; personal: boolean }[] };
  const team = teams.find((t) => t.personal);
  if (!team) throw new Error("the new account has no personal team");
  return team.id;
}

/** A phone: what the touch and small-screen tests run as. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

/** A new account, signed in, in a fresh browser context (`options`: e.g. PHONE). Returns its personal team id. */
export async function signedInUser(
  browser: Browser,
  baseUrl: string,
  label = "user",
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; user: TestUser; teamId: string }> {
  const user = newUser(label);
  const context = await browser.newContext({ ...options, baseURL: baseUrl });
  const res = await context.request.post(`${baseUrl}/api/signup`, { data: user });
  if (res.status() !== 202) throw new Error(`sign-up failed: ${res.status()} ${await res.text()}`);
  await signInViaApi(context, baseUrl, user);
  const page = await context.newPage();
  return { context, page, user, teamId: await personalTeamId(context, baseUrl) };
}
