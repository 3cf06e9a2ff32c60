export { authOptions } from "./options";
export { currentUser, requireUser, sessionUserId, sessionUserIdFrom, type CookieSource, type SessionUser } from "./session";
export { signUp, signUpSchema } from "./signup";
export { hashPassword, verifyPassword, passwordSchema } from "./password";
