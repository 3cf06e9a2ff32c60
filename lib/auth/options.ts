// next-auth configuration: email + password (credentials) with JWT sessions.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { burnPasswordCheck, verifyPassword } from "./password";
import { sameOriginPath } from "./redirect";
import { authSecret } from "./secret";
import { clearAccountFailures, clientAddress, pruneAttempts, releaseAttempt, reserveAttempt, signInLimits } from "./throttle";

/** next-auth hands authorize() the request headers as a plain object. */
function headerReader(headers: Record<string, unknown> | undefined) {
  return { get: (name: string) => (typeof headers?.[name] === "string" ? (headers[name] as string) : null) };
}

export function authOptions(): NextAuthOptions {
  const secure = (getEnv().NEXTAUTH_URL ?? "").startsWith("https://");
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    useSecureCookies: secure,
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          await ensureMigrated();
          const email = String(credentials?.email ?? "").trim().toLowerCase();
          const password = String(credentials?.password ?? "");
          if (!email || !password) return null;
          const address = clientAddress(headerReader(req?.headers as Record<string, unknown> | undefined));
          const slots = await reserveAttempt(signInLimits(email, address));
          if (!slots) {
            // next-auth turns a thrown error into ?error=<message> for the sign-in page.
            throw new Error("Too many failed sign-in attempts. Wait 15 minutes and try again.");
          }
          const user = await db().user.findUnique({ where: { email } });
          const ok = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
          if (!user || !ok) {
            await pruneAttempts();
            return null;
          }
          await releaseAttempt(slots);
          await clearAccountFailures(email);
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
      // The same rule as the sign-in form's (next-auth's default trusts any string starting with "/").
      redirect({ url, baseUrl }) {
        return `${baseUrl}${sameOriginPath(url, baseUrl)}`;
      },
      jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
}
