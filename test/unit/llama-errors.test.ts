import { describe, expect, it } from "vitest";
import { errorForStatus, serverMessage } from "@/lib/llama/errors";
import { LLAMA_LABELS } from "@/lib/llama/native";
import { COMPAT_LABELS } from "@/lib/llama/openai-compatible";
import { parseRetryAfter, readRateLimit } from "@/lib/llama/rate-limit";

const classify = (status: number, body = "", labels = LLAMA_LABELS) => errorForStatus(status, body, {}, labels, "Llama-4-Maverick");

describe("errorForStatus", () => {
  it("429 is rate_limited and retryable, carrying the budget", () => {
    const e = errorForStatus(429, "", { retryAfterMs: 1500, remainingRequests: 0 }, LLAMA_LABELS, "m");
    expect(e).toMatchObject({ kind: "rate_limited", retryable: true, status: 429, retryAfterMs: 1500, rateLimit: { remainingRequests: 0 } });
    expect(e.message).toContain("Retry after 1.5 s");
  });

  it("408, 409 and 5xx are retryable server errors", () => {
    for (const s of [408, 409, 500, 502, 503, 504]) {
      expect(classify(s), String(s)).toMatchObject({ kind: "server", retryable: true, status: s });
    }
  });

  it("400/401/403/404/422 are client errors that are not retried, with a message naming what to fix", () => {
    for (const s of [400, 401, 403, 404, 422]) {
      expect(classify(s), String(s)).toMatchObject({ kind: "client", retryable: false, status: s });
    }
    expect(classify(401).message).toBe("The Llama API rejected the API key (401). Check LLAMA_API_KEY.");
    expect(classify(401, "", COMPAT_LABELS).message).toContain("OPENAI_COMPAT_API_KEY");
    expect(classify(404).message).toContain("llama.base_url");
    expect(classify(403).message).toContain("llama.model");
    expect(classify(400, JSON.stringify({ error: { message: "messages: too many images" } })).message).toBe(
      "The Llama API refused the request (400): messages: too many images",
    );
  });
});

describe("serverMessage", () => {
  it("finds the message in the usual error shapes, else uses the text", () => {
    expect(serverMessage(JSON.stringify({ error: { message: "a" } }))).toBe("a");
    expect(serverMessage(JSON.stringify({ error: "b" }))).toBe("b");
    expect(serverMessage(JSON.stringify({ detail: "c" }))).toBe("c");
    expect(serverMessage("  bad gateway \n")).toBe("bad gateway");
  });
});

describe("rate-limit headers", () => {
  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-27T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("0.25", now)).toBe(250);
    expect(parseRetryAfter("Fri, 27 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("reads the x-ratelimit headers and prefers retry-after-ms", () => {
    expect(
      readRateLimit({
        "x-ratelimit-limit-requests": "3000",
        "x-ratelimit-remaining-requests": "12",
        "x-ratelimit-limit-tokens": "250000",
        "x-ratelimit-remaining-tokens": "0",
        "retry-after": "1",
        "retry-after-ms": "420",
      }),
    ).toEqual({ limitRequests: 3000, remainingRequests: 12, limitTokens: 250000, remainingTokens: 0, retryAfterMs: 420 });
    expect(readRateLimit({ "retry-after": "3", "x-ratelimit-limit-requests": "n/a" })).toEqual({ retryAfterMs: 3000 });
    expect(readRateLimit({})).toEqual({});
  });
});
