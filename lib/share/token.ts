// Share-link tokens: 32 random bytes (256 bits) as base64url. Only the SHA-256
// of a token is stored, so a database leak does not leak working links.
import { createHash, randomBytes } from "node:crypto";

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashShareToken(token) };
}

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Cheap shape check before any database look-up. */
export function looksLikeShareToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
