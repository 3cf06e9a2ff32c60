// Failure throttling for guessable secrets: account passwords (per account and
// per client address) and share-link passwords (per link). Failures are rows
// in a sliding window; past a limit, guesses are refused until it passes.
//
// A guess takes its slot BEFORE the password is checked (reserveAttempt), so
// parallel guesses cannot slip past the limit while the slow scrypt check
// runs: the k-th concurrent guess sees at least k rows. A right password gives
// its slot back; a wrong one leaves it as the failure.
//
// The per-target limit (an account, a share link) would let any stranger lock
// the owner out with a few wrong guesses. So it binds only unknown clients: a
// browser that has passed this target's password before holds a signed
// "known client" cookie (lib/auth/known-client.ts), and its guesses count
// against that cookie alone (attemptLimits). docs/decisions/016-known-client-lockout.md
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
/** Wrong guesses a known client may make before it too waits (its cookie may have been stolen). */
export const MAX_FAILURES_PER_KNOWN_CLIENT = 5;
/** Accounts one client address may create per window (only when the address is known: TRUST_PROXY). */
export const maxSignUpsPerAddress = (): number => getEnv().SIGNUP_LIMIT_PER_ADDRESS;

export interface Limit {
  key: string;
  max: number;
}

/**
 * Takes one slot under every limit, or none: null when any limit is full
 * (the caller refuses without checking the password).
 */
export async function reserveAttempt(limits: Limit[], now = new Date()): Promise<string[] | null> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const rows = await db().loginAttempt.createManyAndReturn({ data: limits.map((l) => ({ key: l.key })), select: { id: true } });
  const ids = rows.map((r) => r.id);
  const counts = await Promise.all(limits.map((l) => db().loginAttempt.count({ where: { key: l.key, createdAt: { gte: since } } })));
  if (limits.some((l, i) => counts[i]! > l.max)) {
    await releaseAttempt(ids);
    return null;
  }
  return ids;
}

/** A right password: the slots were not failures. */
export async function releaseAttempt(ids: string[]): Promise<void> {
  await db().loginAttempt.deleteMany({ where: { id: { in: ids } } });
}

/** Old rows are useless; pruned opportunistically after a failure so the table stays small. */
export async function pruneAttempts(): Promise<void> {
  await db().loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - WINDOW_MS) } } });
}

/**
 * The client's address for the per-address limits, or null when it cannot be
 * known. Route handlers do not see the socket, so the address comes from
 * X-Forwarded-For - which any client can write unless a proxy in front
 * overwrites it. Hence only with TRUST_PROXY=1; without it the per-address
 * limits are off (keying every client as one address would let 30 wrong
 * guesses lock everyone out), and the per-target limits still hold.
 * TRUST_PROXY=1 trusts one proxy: the LAST entry is the address it saw (a
 * proxy appends to whatever the client sent, so earlier entries are the
 * client's own words and would let it pick a fresh address per guess).
 */
export function clientAddress(headers: { get(name: string): string | null | undefined } | undefined): string | null {
  if (!getEnv().TRUST_PROXY || !headers) return null;
  const last = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return last || headers.get("x-real-ip")?.trim() || null;
}

/**
 * The limits a guess at `target` (acct:<email>, share:<id>) counts against:
 * the target's own limit for unknown clients, or the client's known-client
 * cookie (its nonce) instead; plus the address's limit when the address is known.
 */
export function attemptLimits(target: Limit, address: string | null, knownClientNonce: string | null): Limit[] {
  const limits: Limit[] = [knownClientNonce ? { key: `known:${knownClientNonce}`, max: MAX_FAILURES_PER_KNOWN_CLIENT } : target];
  if (address) limits.push({ key: `ip:${address}`, max: MAX_FAILURES_PER_ADDRESS });
  return limits;
}

/** The sign-in limits for this account and (when known) address and known client. */
export function signInLimits(email: string, address: string | null, knownClientNonce: string | null = null): Limit[] {
  return attemptLimits({ key: accountKey(email), max: MAX_FAILURES_PER_ACCOUNT }, address, knownClientNonce);
}

export function accountKey(email: string): string {
  return `acct:${email.toLowerCase()}`;
}

/**
 * One sign-up from this address takes a slot for the window (kept: it counts
 * sign-ups, not failures). Null when the address has used its share.
 */
export async function reserveSignUp(address: string | null): Promise<string[] | null> {
  if (!address) return [];
  return reserveAttempt([{ key: `signup:${address}`, max: maxSignUpsPerAddress() }]);
}

/**
 * A right password forgives the earlier failures it was counted with: the
 * target's for an unknown client, the known client's own for a known one (a
 * known client's success says nothing about the strangers' guesses at the
 * target). Never the address's.
 */
export async function forgiveFailures(limits: Limit[]): Promise<void> {
  const keys = limits.map((l) => l.key).filter((k) => !k.startsWith("ip:"));
  await db().loginAttempt.deleteMany({ where: { key: { in: keys } } });
}
