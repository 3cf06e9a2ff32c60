// Retry delays: exponential with "equal jitter" (half fixed, half random), so
// retries of many photos that failed together do not come back together, and
// a delay is never zero. A Retry-After from the provider wins when longer.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Delay before retry number `attempt` (1 = first retry). `random` in [0, 1). */
export function backoffMs(attempt: number, opts: BackoffOptions, random: number = Math.random(), retryAfterMs?: number): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const delay = exp / 2 + (exp / 2) * random;
  return retryAfterMs !== undefined && retryAfterMs > delay ? retryAfterMs : delay;
}
