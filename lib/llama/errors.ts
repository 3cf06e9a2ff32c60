// How a failed request is described to the analysis loop: a kind it can act on
// (retry, back off, stop) and a message a person can act on.

/** What the API said about the budget, read from x-ratelimit-* and Retry-After headers. */
export interface RateLimitInfo {
  limitRequests?: number;
  remainingRequests?: number;
  limitTokens?: number;
  remainingTokens?: number;
  retryAfterMs?: number;
}

export type ProviderErrorKind = "rate_limited" | "timeout" | "server" | "network" | "invalid_answer" | "client";

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  /** False only for the caller's own mistakes (bad key, bad model, bad request): retrying cannot help. */
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly rateLimit?: RateLimitInfo;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    extra: { status?: number; rateLimit?: RateLimitInfo; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.retryable = kind !== "client";
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.rateLimit) {
      this.rateLimit = extra.rateLimit;
      if (extra.rateLimit.retryAfterMs !== undefined) this.retryAfterMs = extra.rateLimit.retryAfterMs;
    }
  }
}

/** Names used in messages so a person knows which setting to fix. */
export interface ProviderLabels {
  /** "The Llama API" */
  service: string;
  /** "LLAMA_API_KEY" */
  keyEnv: string;
  /** "llama.base_url" */
  baseUrlKey: string;
  /** "llama.model" */
  modelKey: string;
}

/** Pulls a short human message out of an error body (JSON `error.message`, `detail`, or the text). */
export function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; detail?: unknown; message?: unknown };
    const m =
      typeof j.error === "string" ? j.error : (j.error?.message ?? (typeof j.detail === "string" ? j.detail : j.message));
    if (typeof m === "string" && m) return m.slice(0, 300);
  } catch {
    // not JSON: use the text itself
  }
  return text.trim().slice(0, 300);
}

/** Classifies a non-2xx answer. 429 -> rate_limited; 408/409/5xx -> server (retryable); other 4xx -> client. */
export function errorForStatus(
  status: number,
  bodyText: string,
  rateLimit: RateLimitInfo,
  labels: ProviderLabels,
  model: string,
): ProviderError {
  const said = serverMessage(bodyText);
  const detail = said ? `: ${said}` : "";
  const extra = { status, rateLimit };
  if (status === 429) {
    const wait = rateLimit.retryAfterMs !== undefined ? ` Retry after ${(rateLimit.retryAfterMs / 1000).toFixed(1)} s.` : "";
    return new ProviderError("rate_limited", `${labels.service} rate limit reached (429).${wait}`, extra);
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new ProviderError("server", `${labels.service} failed to answer (${status})${detail}`, extra);
  }
  switch (status) {
    case 401:
      return new ProviderError("client", `${labels.service} rejected the API key (401). Check ${labels.keyEnv}.`, extra);
    case 403:
      return new ProviderError(
        "client",
        `${labels.service} refused access (403) to model "${model}". Check ${labels.keyEnv} and ${labels.modelKey}${detail ? ` (${said})` : ""}.`,
        extra,
      );
    case 404:
      return new ProviderError(
        "client",
        `${labels.service} has no such endpoint or model (404). Check ${labels.baseUrlKey} and ${labels.modelKey} ("${model}").`,
        extra,
      );
    default:
      return new ProviderError("client", `${labels.service} refused the request (${status})${detail}`, extra);
  }
}
