// Sign-in throttling: failed attempts are counted per account and per client
// address in a sliding window; past the limit sign-in is refused until it passes.
import { db } from "@/lib/db";

const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

const keys = (email: string, ip: string) => [`acct:${email.toLowerCase()}`, `ip:${ip}`] as const;

export async function isThrottled(email: string, ip: string, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const [acct, addr] = keys(email, ip);
  const [a, b] = await Promise.all([
    db().loginAttempt.count({ where: { key: acct, createdAt: { gte: since } } }),
    db().loginAttempt.count({ where: { key: addr, createdAt: { gte: since } } }),
  ]);
  return a >= MAX_FAILURES_PER_ACCOUNT || b >= MAX_FAILURES_PER_ADDRESS;
}

export async function recordFailure(email: string, ip: string): Promise<void> {
  const [acct, addr] = keys(email, ip);
  await db().loginAttempt.createMany({ data: [{ key: acct }, { key: addr }] });
  // Old rows are useless; prune opportunistically so the table stays small.
  await db().loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - WINDOW_MS) } } });
}

export async function clearFailures(email: string): Promise<void> {
  await db().loginAttempt.deleteMany({ where: { key: keys(email, "")[0] } });
}
