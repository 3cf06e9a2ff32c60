// Checking a sign-in: throttling, the password, and the known-client cookie.
// next-auth's authorize() (options.ts) only adapts this to its request and
// response; the rules live here so they can be tested without next-auth.
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { issueKnownClient, knownClientCookieName, knownClientNonce } from "./known-client";
import { burnPasswordCheck, HashingBusyError, verifyPassword } from "./password";
import { accountKey, forgiveFailures, pruneAttempts, releaseAttempt, reserveAttempt, signInLimits } from "./throttle";

export const LOCKED_MESSAGE =
  "Too many failed sign-in attempts for this account. Wait 15 minutes, or sign in from a browser you have signed in with before.";

export interface SignInAttempt {
  email: string;
  password: string;
  /** The client's address when known (TRUST_PROXY), else null. */
  address: string | null;
  /** The request's cookies by name (the known-client cookie is looked up in them). */
  cookies: Record<string, string | undefined>;
}

export interface SignedIn {
  user: { id: string; email: string; name: string; sessionVersion: number };
  /** A known-client cookie to set: the browser had none for this account. */
  setCookie: { name: string; value: string } | null;
}

/**
 * The user for a right e-mail and password, null for a wrong one. Throws a
 * too_many_requests AppError (with the message to show) when the attempt is
 * throttled or the server is too busy to check it; neither counts as a failure.
 */
export async function checkSignIn(attempt: SignInAttempt): Promise<SignedIn | null> {
  const target = accountKey(attempt.email);
  const cookieName = knownClientCookieName(target);
  const nonce = knownClientNonce(target, attempt.cookies[cookieName]);
  const limits = signInLimits(attempt.email, attempt.address, nonce);
  const slots = await reserveAttempt(limits);
  if (!slots) throw new AppError("too_many_requests", LOCKED_MESSAGE);
  let user;
  let ok: boolean;
  try {
    user = await db().user.findUnique({ where: { email: attempt.email } });
    ok = user ? await verifyPassword(attempt.password, user.passwordHash) : (await burnPasswordCheck(attempt.password), false);
  } catch (err) {
    // Not checked, so not a failure: give the slot back.
    if (err instanceof HashingBusyError) await releaseAttempt(slots);
    throw err;
  }
  if (!user || !ok) {
    await pruneAttempts();
    return null;
  }
  await releaseAttempt(slots);
  await forgiveFailures(limits);
  return {
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
    setCookie: nonce ? null : { name: cookieName, value: issueKnownClient(target) },
  };
}
