// GET/POST /api/auth/* - next-auth (sign in, sign out, session)
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth";

function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  return NextAuth(authOptions())(req, ctx) as Promise<Response>;
}

export { handler as GET, handler as POST };
