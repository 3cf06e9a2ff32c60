// Who is calling: requireUser() for route handlers and pages (throws 401),
// currentUser() when signed-out is a normal answer.
//
// The session cookie is next-auth's encrypted JWT. We read it with next-auth's
// own getToken/decode instead of getServerSession: getServerSession also
// re-encrypts a refreshed token on every call (two key derivations and two
// AES passes), and in the App Router that refreshed cookie is never sent back,
// so the work was pure cost - a large share of the dashboard's 1 s poll.
// Decoded tokens are remembered by their exact cookie value (see tokenCache),
// so a poller costs one key derivation per minute, not one per request.
//
// A token names its user's session version. Signing out raises the version
// (lib/auth/session-end.ts), so a copied cookie stops working at once: every
// caller checks the version in the query that reads the user anyway
// (currentUser here, the team gate in lib/teams/access.ts) - no extra round trip.
import { cookies } from "next/headers";
import { decode, getToken } from "next-auth/jwt";
import { db } from "@/lib/db";
import { publicUrlIsHttps } from "@/lib/env";
import { unauthorized } from "@/lib/errors";
import { authSecret } from "./secret";
import { createTokenCache } from "./token-cache";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  currentTeamId: string | null;
}

const tokenCache = createTokenCache();

/** Cookies as next/headers gives them, or a plain name -> value record (a parsed Cookie header). */
export type CookieSource = { getAll(): { name: string; value: string }[] } | Record<string, string>;

/** Who a session token says the caller is: the user and the session version it was issued under. */
export interface SessionRef {
  userId: string;
  version: number;
}

/** The request's session, or null (no cookie, expired, tampered, wrong secret). Not yet checked against the user's version. */
export async function currentSession(): Promise<SessionRef | null> {
  return sessionFrom(await cookies());
}

/** currentSession for a request Next did not parse (lib/server/progress-poll.ts). */
export async function sessionFrom(jar: CookieSource): Promise<SessionRef | null> {
  // raw: the cookie's value (next-auth splits large tokens into chunks; getToken
  // joins them). getToken reads only req.cookies (getAll or a plain record) and
  // req.headers; empty headers keep its "Authorization: Bearer" fallback off.
  const req = { cookies: jar, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"];
  const raw = await getToken({ req, secureCookie: publicUrlIsHttps(), raw: true });
  if (!raw) return null;
  const decoded = await tokenCache.resolve(raw, async () => {
    const token = await decode({ token: raw, secret: authSecret() }).catch(() => null);
    const uid = token?.uid;
    if (typeof uid !== "string") return null;
    // Tokens from before session versions existed carry none: version 0, the column's default.
    const version = typeof token?.sv === "number" ? token.sv : 0;
    return { userId: uid, version, expiresAtS: typeof token?.exp === "number" ? token.exp : 0 };
  });
  return decoded && { userId: decoded.userId, version: decoded.version };
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await currentSession();
  if (!session) return null;
  // No row: the account was deleted, or the session ended (signed out) since the token was issued.
  return db().user.findFirst({
    where: { id: session.userId, sessionVersion: session.version },
    select: { id: true, email: true, name: true, currentTeamId: true },
  });
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw unauthorized();
  return user;
}
