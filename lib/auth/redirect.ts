// Where to go after sign-in or sign-up. The target comes from the query string
// (?callbackUrl=...), so anyone can craft it: only paths on the app's own
// origin are followed. Parsing with the URL API (not string prefixes) is what
// catches "//evil.example", "/\evil.example" and "/\t/evil.example", which a
// browser reads as another host. No server imports: the sign-in form uses it.

/**
 * The same-origin path (pathname + search + hash) that `target` points to, or
 * `fallback`. `origin` is the app's origin ("https://photos.example"); an
 * absolute URL is accepted only when it is on that origin.
 */
export function sameOriginPath(target: unknown, origin: string, fallback = "/"): string {
  if (typeof target !== "string" || target === "") return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" normalises to the path "//evil.example", which the
  // browser would again take as a host when it is navigated to.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
