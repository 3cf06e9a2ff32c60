// Next's request proxy (formerly middleware): gives every page request its own
// CSP nonce (lib/server/page-csp.ts), set on the request - where Next's renderer
// reads it to stamp its inline scripts - and on the answer. API answers, static
// files and the progress poll keep the static list (next.config.js,
// lib/server/progress-poll.ts): they serve no HTML to run scripts in.
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageCsp } from "@/lib/server/page-csp";
import { PAGE_PATH_HEADER } from "@/lib/server/page-path";

export function proxy(request: NextRequest): NextResponse {
  const csp = pageCsp(newNonce(), process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  // The path, for not-found pages that explain it (lib/server/page-path.ts).
  headers.set(PAGE_PATH_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      // Link prefetches fetch data, not a page; they need no nonce of their own.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
