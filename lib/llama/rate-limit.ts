// Reads the budget the API reports on every answer (and on 429s), so the
// limiter can correct its configured limits live.
import type { RateLimitInfo } from "./errors";

type Headers = Record<string, string | string[] | undefined>;

function header(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function count(h: Headers, name: string): number | undefined {
  const v = header(h, name);
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Retry-After is either delay-seconds (possibly fractional) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Header names are lower-case (as undici and node:http deliver them). */
export function readRateLimit(h: Headers, now: number = Date.now()): RateLimitInfo {
  const info: RateLimitInfo = {};
  const set = (k: keyof RateLimitInfo, v: number | undefined) => {
    if (v !== undefined) info[k] = v;
  };
  set("limitRequests", count(h, "x-ratelimit-limit-requests"));
  set("remainingRequests", count(h, "x-ratelimit-remaining-requests"));
  set("limitTokens", count(h, "x-ratelimit-limit-tokens"));
  set("remainingTokens", count(h, "x-ratelimit-remaining-tokens"));
  // retry-after-ms is the OpenAI-style precise variant; prefer it when present.
  set("retryAfterMs", count(h, "retry-after-ms") ?? parseRetryAfter(header(h, "retry-after"), now));
  return info;
}
