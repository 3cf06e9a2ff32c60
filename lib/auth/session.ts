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
import { cookies } from "next/headers";
import { decode, getToken } from "next-auth/jwt";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
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

/** The user id in the request's session cookie, or null (no cookie, expired, tampered, wrong secret). */
export async function sessionUserId(): Promise<string | null> {
  return sessionUserIdFrom(await cookies());
}

/** sessionUserId for a request Next did not parse (lib/server/progress-poll.ts). */
export async function sessionUserIdFrom(jar: CookieSource): Promise<string | null> {
  const secureCookie = (getEnv().NEXTAUTH_URL ?? "").startsWith("https://");
  // raw: the cookie's value (next-auth splits large tokens into chunks; getToken
  // joins them). getToken reads only req.cookies (getAll or a plain record) and
  // req.headers; empty headers keep its "Authorization: Bearer" fallback off.
  const req = { cookies: jar, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"];
  const raw = await getToken({ req, secureCookie, raw: true });
  if (!raw) return null;
  return tokenCache.resolve(raw, async () => {
    const token = await decode({ token: raw, secret: authSecret() }).catch(() => null);
    const uid = token?.uid;
    if (typeof uid !== "string") return null;
    return { userId: uid, expiresAtS: typeof token?.exp === "number" ? token.exp : 0 };
  });
}

export async function currentUser(): Promise<SessionUser | null> {
  const id = await sessionUserId();
  if (!id) return null;
  // The account may have been deleted since the token was issued.
  return db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, currentTeamId: true } });
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw unauthorized();
  return user;
}
