// next-auth configuration: email + password (credentials) with JWT sessions.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db, ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { burnPasswordCheck, verifyPassword } from "./password";
import { authSecret } from "./secret";
import { clearFailures, isThrottled, recordFailure } from "./throttle";

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const fwd = headers?.["x-forwarded-for"];
  const first = typeof fwd === "string" ? fwd.split(",")[0]?.trim() : undefined;
  const real = headers?.["x-real-ip"];
  return first || (typeof real === "string" ? real : "") || "local";
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
          const ip = clientAddress(req?.headers as Record<string, unknown> | undefined);
          if (await isThrottled(email, ip)) {
            // next-auth turns a thrown error into ?error=<message> for the sign-in page.
            throw new Error("Too many failed sign-in attempts. Wait 15 minutes and try again.");
          }
          const user = await db().user.findUnique({ where: { email } });
          const ok = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
          if (!user || !ok) {
            await recordFailure(email, ip);
            return null;
          }
          await clearFailures(email);
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
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
