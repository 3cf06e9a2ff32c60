// Strict-Transport-Security for every answer when the app's public URL is
// https. Set by the app server (lib/server/serve.ts) at run time, not in
// next.config.js: Next fixes config headers at build time, and NEXTAUTH_URL is
// a run-time setting. No includeSubDomains: the app does not own its siblings.
import { publicUrlIsHttps } from "@/lib/env";

export const HSTS_VALUE = "max-age=31536000";

/** The header to send on every answer, or null over plain http. */
export function hstsHeader(): [string, string] | null {
  return publicUrlIsHttps() ? ["Strict-Transport-Security", HSTS_VALUE] : null;
}
