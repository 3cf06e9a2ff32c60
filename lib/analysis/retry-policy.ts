// When a photo is tried again, and when it is given up: pure arithmetic, so it
// is tested without timers. Three counts, because the reasons differ:
// - attempts: the photo's own failures (bad answer for it, a timeout of its
//   request) - bounded by max_retries;
// - limited: 429s - the rate's fault, not the photo's, with a larger bound;
// - outage: failures while the provider was down - not the photo's fault
//   either; bounded so a provider that never comes back ends the run (about
//   ten minutes of probing at the pause cap).
// Waits are exponential with jitter (backoff.ts); a Retry-After wins when
// longer, capped at a minute as the official SDKs do (a provider asking for an
// hour is better answered by trying again and reading the next answer).
import { backoffMs } from "./backoff";

export interface RetryCounts {
  attempts: number;
  limited: number;
  outage: number;
}

export const MAX_RATE_LIMITED_RETRIES = 20;
export const MAX_OUTAGE_RETRIES = 120;
export const RETRY_AFTER_CAP_MS = 60_000;
const BACKOFF = { baseMs: 500, capMs: 30_000 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; attempts: number };

/** After a failure was counted into `c`: wait and retry, or give up. `random` in [0, 1). */
export function nextRetry(c: RetryCounts, maxRetries: number, random: number, retryAfterMs?: number): RetryDecision {
  if (c.attempts > maxRetries || c.limited > MAX_RATE_LIMITED_RETRIES || c.outage > MAX_OUTAGE_RETRIES) {
    return { retry: false, attempts: c.attempts + c.limited + c.outage };
  }
  const after = retryAfterMs === undefined ? undefined : Math.min(RETRY_AFTER_CAP_MS, retryAfterMs);
  return { retry: true, delayMs: backoffMs(c.attempts + c.limited, BACKOFF, random, after) };
}

// An outage: provider-side failures (network, 5xx, timeout, unusable answer) of
// OUTAGE_AFTER requests AND as many different photos in a row, with no answer in
// between (one photo failing alone again and again is that photo's problem and
// spends its own retries). From then on failures pause every request (one round
// of probes per pause) instead of spending the photos' retries, so a provider
// down or answering garbage for longer than the retry budget loses no photo.
const OUTAGE_AFTER = 3;
const OUTAGE_PAUSE = { stepMs: 500, capMs: 5000 };
const PROVIDER_SIDE = new Set(["network", "server", "timeout", "invalid_answer"]);

export class OutageDetector {
  private consecutive = 0;
  private readonly photos = new Set<string>();

  /** Any answer from the provider ends an outage. */
  answered(): void {
    this.consecutive = 0;
    this.photos.clear();
  }

  /** A failed request of these photos: the pause every request should take now, or null when this is no outage. */
  failed(kind: string, photoIds: readonly string[]): number | null {
    if (!PROVIDER_SIDE.has(kind)) return null;
    this.consecutive += 1;
    for (const id of photoIds) if (this.photos.size < OUTAGE_AFTER) this.photos.add(id);
    if (this.consecutive < OUTAGE_AFTER || this.photos.size < OUTAGE_AFTER) return null;
    return Math.min(OUTAGE_PAUSE.capMs, OUTAGE_PAUSE.stepMs * (this.consecutive - OUTAGE_AFTER + 1));
  }
}
