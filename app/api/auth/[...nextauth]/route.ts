// GET/POST /api/auth/* - next-auth (sign in, sign out, session)
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth";
import { errorResponse } from "@/lib/http";
import { readBodyLimited } from "@/lib/request-body";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// next-auth reads the whole body itself (req.text() / req.json()), unbounded,
// on routes anyone may call: it gets a copy read under this ceiling instead.
// Its forms (credentials, CSRF token, callback URL) are a few hundred bytes.
const MAX_AUTH_BODY_BYTES = 64 * 1024;

function handle(req: Request, ctx: Ctx): Promise<Response> {
  return NextAuth(authOptions())(req, ctx) as Promise<Response>;
}

async function post(req: NextRequest, ctx: Ctx): Promise<Response> {
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readBodyLimited(req, MAX_AUTH_BODY_BYTES);
  } catch (err) {
    return errorResponse(err);
  }
  return handle(new NextRequest(req.url, { method: req.method, headers: req.headers, body }), ctx);
}

export { handle as GET, post as POST };
