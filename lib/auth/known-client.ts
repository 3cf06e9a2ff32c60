// "Known client" cookies: proof that this browser has passed a target's
// password before (an account's, a share link's). The lockout after repeated
// wrong guesses binds only clients without one, so a stranger guessing at an
// account cannot lock its owner out of the browsers they use.
// docs/decisions/016-known-client-lockout.md
//
// Value: <nonce>.<HMAC(secret, target, nonce)>. The nonce names the client in
// its own failure counter (throttle.ts: known:<nonce>); the MAC binds it to one
// target, so a cookie earned on one's own account opens no lock on another's.
// The cookie's name is derived from the target with the secret too, so names
// reveal no e-mail address.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { publicUrlIsHttps } from "@/lib/env";
import { authSecret } from "./secret";

export const KNOWN_CLIENT_TTL_S = 90 * 24 * 60 * 60;

function mac(target: string, nonce: string): string {
  return createHmac("sha256", authSecret()).update(`known-client\n${target}\n${nonce}`).digest("base64url");
}

export function knownClientCookieName(target: string): string {
  return `kc_${createHmac("sha256", authSecret()).update(`known-client-name\n${target}`).digest("hex").slice(0, 16)}`;
}

/** A fresh cookie value for `target`. */
export function issueKnownClient(target: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${mac(target, nonce)}`;
}

/** The nonce of a genuine cookie for `target`, or null. */
export function knownClientNonce(target: string, value: string | undefined | null): string | null {
  if (!value) return null;
  const [nonce, sig] = value.split(".");
  if (!nonce || !sig || nonce.length > 64) return null;
  const want = Buffer.from(mac(target, nonce));
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want) ? nonce : null;
}

/** Attributes of the cookie: only the two routes that check passwords need it. */
export function knownClientCookieOptions() {
  return { httpOnly: true, sameSite: "lax" as const, secure: publicUrlIsHttps(), path: "/api/", maxAge: KNOWN_CLIENT_TTL_S };
}
