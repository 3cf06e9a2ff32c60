// The Content-Security-Policy of HTML pages: the app's one list
// (security-headers.json) with script-src narrowed to this request's nonce, so
// no inline script runs unless the server wrote it. Next stamps the nonce on its
// own bootstrap scripts when it finds it in the request's policy (every page is
// rendered per request already: the root layout reads the session).
// 'strict-dynamic' lets those scripts load the app's chunks.
import security from "./security-headers.json";

export function pageCsp(nonce: string, dev = false): string {
  return security.contentSecurityPolicy
    .map((d) => (d.startsWith("script-src") ? `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}` : d))
    .join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
