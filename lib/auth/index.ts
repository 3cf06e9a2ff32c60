export { authOptions } from "./options";
export { currentSession, currentUser, requireUser, sessionFrom, type CookieSource, type SessionRef, type SessionUser } from "./session";
export { signUp, signUpRequest, signUpSchema, SIGN_UP_ANSWER } from "./signup";
export { hashPassword, verifyPassword, passwordSchema } from "./password";
