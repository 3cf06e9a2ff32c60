// Ending sessions. Session tokens are stateless (next-auth JWTs, valid 30 days),
// so "signed out" has to live in the database: each token carries the user's
// session version at sign-in, and raising the version ends every token issued
// under the old one. docs/decisions/008-cheap-session-check.md.
import { db } from "@/lib/db";

/**
 * Sign-out: ends the sessions of the token's version (every device of the
 * account - the version is per user). A token already out of date changes
 * nothing, so replaying an old cookie at sign-out cannot end newer sessions.
 */
export async function endSessionsOf(userId: string, version: number): Promise<void> {
  await db().user.updateMany({ where: { id: userId, sessionVersion: version }, data: { sessionVersion: { increment: 1 } } });
}

/** True while a token of this user and version is honoured. */
export async function sessionIsCurrent(userId: string, version: number): Promise<boolean> {
  return (await db().user.count({ where: { id: userId, sessionVersion: version } })) === 1;
}
