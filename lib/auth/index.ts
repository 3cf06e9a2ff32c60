export { authOptions } from "./options";
export { currentSession, currentUser, requireUser, sessionFrom, type SessionRef, type SessionUser } from "./session";
export { signUp, signUpRequest, signUpSchema, SIGN_UP_ANSWER } from "./signup";
export { HashingBusyError, hashPassword, verifyPassword } from "./password";
export { authSecret } from "./secret";
export { issueKnownClient, knownClientCookieName, knownClientCookieOptions, knownClientNonce } from "./known-client";
export { attemptLimits, clientAddress, forgiveFailures, pruneAttempts, releaseAttempt, reserveAttempt } from "./throttle";
