// Failure throttling for guessable secrets: account passwords (per account and
// per client address) and share-link passwords (per link). Failures are rows
// in a sliding window; past a limit, guesses are refused until it passes.
//
// A guess takes its slot BEFORE the password is checked (reserveAttempt), so
// parallel guesses cannot slip past the limit while the slow scrypt check
// runs: the k-th concurrent guess sees at least k rows. A right password gives
// its slot back; a wrong one leaves it as the failure.
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

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
 * The client's address for the per-address limit, or null when it cannot be
 * known. Route handlers do not see the socket, so the address comes from
 * X-Forwarded-For - which any client can write unless a proxy in front
 * overwrites it. Hence only with TRUST_PROXY=1; without it the per-address
 * limit is off (keying every client as one address would let 30 wrong
 * guesses lock everyone out), and the per-account limit still holds.
 */
export function clientAddress(headers: { get(name: string): string | null | undefined } | undefined): string | null {
  if (!getEnv().TRUST_PROXY || !headers) return null;
  const first = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return first || headers.get("x-real-ip")?.trim() || null;
}

/** The sign-in limits for this account and (when known) address. */
export function signInLimits(email: string, address: string | null): Limit[] {
  const limits: Limit[] = [{ key: `acct:${email.toLowerCase()}`, max: MAX_FAILURES_PER_ACCOUNT }];
  if (address) limits.push({ key: `ip:${address}`, max: MAX_FAILURES_PER_ADDRESS });
  return limits;
}

/** A successful sign-in forgives the account's earlier failures (not the address's). */
export async function clearAccountFailures(email: string): Promise<void> {
  await db().loginAttempt.deleteMany({ where: { key: `acct:${email.toLowerCase()}` } });
}
