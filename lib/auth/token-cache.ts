// Remembers what a session token says (user and session version), by the
// token's exact value. Safe because the token is immutable and self-validating:
// the same string always decodes to the same claims. Whether those claims are
// still honoured (the user's session version) is checked against the database
// on every request by the caller, never remembered here. An entry lives until
// the token expires or TTL passes, whichever is first; failures are not
// remembered. Bounded, so a flood of distinct tokens only evicts the oldest.
export interface DecodedSession {
  userId: string;
  /** The user's session version when the token was issued (docs/decisions/008). */
  version: number;
  /** The token's own expiry (seconds since epoch); 0 when it has none. */
  expiresAtS: number;
}

interface Entry {
  value: Promise<DecodedSession | null>;
  until: number;
}

export interface TokenCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function createTokenCache({ ttlMs = 60_000, maxEntries = 10_000, now = Date.now }: TokenCacheOptions = {}) {
  const entries = new Map<string, Entry>();

  return {
    size: () => entries.size,
    /** The claims of `token`, decoding it with `decodeToken` only when not remembered. */
    async resolve(token: string, decodeToken: () => Promise<DecodedSession | null>): Promise<DecodedSession | null> {
      const t = now();
      const hit = entries.get(token);
      if (hit && t < hit.until) return hit.value;
      if (hit) entries.delete(token);
      // Concurrent requests with the same token share one decode.
      const value = decodeToken().catch(() => null);
      entries.set(token, { value, until: t + ttlMs });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      const decoded = await value;
      if (!decoded || (decoded.expiresAtS && decoded.expiresAtS * 1000 <= now())) {
        entries.delete(token);
        return null;
      }
      const entry = entries.get(token);
      if (entry && decoded.expiresAtS) entry.until = Math.min(entry.until, decoded.expiresAtS * 1000);
      return decoded;
    },
  };
}
