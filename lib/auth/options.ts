// next-auth configuration: email + password (credentials) with JWT sessions.
import { cookies } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { ensureMigrated } from "@/lib/db";
import { publicUrlIsHttps } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { knownClientCookieOptions } from "./known-client";
import { sameOriginPath } from "./redirect";
import { authSecret } from "./secret";
import { endSessionsOf, sessionIsCurrent } from "./session-end";
import { checkSignIn } from "./sign-in";
import { clientAddress } from "./throttle";

/** next-auth hands authorize() the request headers as a plain object. */
function headerReader(headers: Record<string, unknown> | undefined) {
  return { get: (name: string) => (typeof headers?.[name] === "string" ? (headers[name] as string) : null) };
}

export function authOptions(): NextAuthOptions {
  const secure = publicUrlIsHttps();
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
          const headers = req?.headers as Record<string, unknown> | undefined;
          const jar = await cookies();
          let signedIn;
          try {
            signedIn = await checkSignIn({
              email,
              password,
              address: clientAddress(headerReader(headers)),
              cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])),
            });
          } catch (err) {
            // next-auth turns a thrown error into ?error=<message> for the sign-in page.
            if (err instanceof AppError) throw new Error(err.message);
            throw err;
          }
          if (!signedIn) return null;
          // Next adds cookies set here to next-auth's response (route handlers merge them).
          if (signedIn.setCookie) jar.set(signedIn.setCookie.name, signedIn.setCookie.value, knownClientCookieOptions());
          return signedIn.user;
        },
      }),
    ],
    events: {
      // Ends the session for real: without this a copied cookie kept working for 30 days after sign-out.
      async signOut({ token }) {
        if (typeof token?.uid === "string") await endSessionsOf(token.uid, typeof token.sv === "number" ? token.sv : 0);
      },
    },
    callbacks: {
      // The same rule as the sign-in form's (next-auth's default trusts any string starting with "/").
      redirect({ url, baseUrl }) {
        return `${baseUrl}${sameOriginPath(url, baseUrl)}`;
      },
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
          return token;
        }
        // next-auth's own /api/auth/session: a thrown error answers "no session" and clears the cookie.
        const version = typeof token.sv === "number" ? token.sv : 0;
        if (typeof token.uid !== "string" || !(await sessionIsCurrent(token.uid, version))) throw new Error("The session has ended.");
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
}
