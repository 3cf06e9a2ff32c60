// The request and token budget of one process, as pure arithmetic over an
// injected clock (unit-tested with a fake one; no timers in here).
//
// Two mechanisms, because one is not enough:
// - a sliding-window LOG of every admitted request (start time, tokens) is the
//   hard cap: never more than `requestsPerMinute` requests or `tokensPerMinute`
//   tokens in ANY 60 s window. A token bucket alone allows limit + capacity.
// - a continuously refilled PACING bucket (limit/60 per second) spreads the
//   requests out, because the provider refills its own bucket the same way and
//   only holds ~2 s of burst. Its capacity is small (timer slack) unless burst
//   mode is on; then it starts full with `burstSeconds` of budget, so a run that
//   starts after a quiet spell spends that saved budget at once. The provider's
//   live x-ratelimit-remaining-* headers clamp that capacity: we never burst
//   more than the provider says it can absorb.
// A 429's Retry-After (or our own back-off) pauses all admissions.
// HEADROOM: the provider receives our requests a little out of step with how
// we admitted them (connection set-up, our own event loop, its queue). Where
// its bucket holds less than a request (10 requests/min holds a third of one)
// any request that arrives a millisecond early is refused, so both refill
// rates run a small share under the limit; every 429 widens that share (up to
// a tenth) and accepted requests narrow it again.

/**
 * Seconds of budget burst mode may spend at once after a quiet spell. Providers
 * hold about 2 s (the local test server exactly 2 s; Meta does not publish its
 * figure); 1.8 s leaves 10% of that for requests the provider accepts later
 * than we sent them. The live remaining-requests header lowers it further.
 */
export const DEFAULT_BURST_SECONDS = 1.8;

/** Share of each limit left unused at best, and at worst after repeated 429s. */
export const MIN_HEADROOM = 0.01;
export const MAX_HEADROOM = 0.1;
/**
 * How far out of step with our admissions requests may reach the provider
 * (ms). Where our burst is smaller than the provider's (~2 s), the difference
 * absorbs it; where both hold about one request (under ~33 requests/min) only
 * spacing can, so the headroom starts at least this much of an interval.
 */
export const ARRIVAL_JITTER_MS = 100;
/** What we assume the provider's bucket holds, in seconds of its limit (the test server's figure). */
const PROVIDER_BURST_SECONDS = 2;
/**
 * Each accepted request shrinks the headroom by this factor: ~230 requests
 * halve it. Faster, and at 10 requests/min it is back under the jitter that
 * widened it before the hour is out, drawing a 429 every ~70 requests.
 */
const HEADROOM_DECAY = 0.997;

export interface RateBudgetOptions {
  requestsPerMinute: number;
  tokensPerMinute: number;
  burst: boolean;
  /** Seconds of budget a burst may spend at once (burst mode only). */
  burstSeconds?: number;
  /** Seconds of budget the pacing bucket holds without burst mode (absorbs timer lateness). */
  slackSeconds?: number;
  /** Fixed minimum spacing between request starts (ms), 0 = none. */
  minSpacingMs?: number;
  windowMs?: number;
}

export interface RateHeaders {
  limitRequests?: number;
  remainingRequests?: number;
  limitTokens?: number;
  remainingTokens?: number;
}

/** An admitted request carries its ticket, to settle its tokens when the answer says what it really cost. */
export type Admission = { ok: true; ticket: number } | { ok: false; waitMs: number; reason: "paused" | "spacing" | "pacing" | "window" | "tokens" };

export class RateBudget {
  private readonly windowMs: number;
  private readonly configuredRpm: number;
  private readonly configuredTpm: number;
  private rpm: number;
  private tpm: number;
  private capacityCap: number; // requests the pacing bucket may hold (before header clamps)
  private headerCap = Infinity; // clamp from x-ratelimit-remaining-requests
  private level: number; // pacing bucket, requests
  private tokenLevel: number; // pacing bucket, tokens
  private last: number;
  private pausedUntil = 0;
  private lastStart = -Infinity;
  // Sliding-window log as parallel arrays with a moving head (amortised O(1)).
  private times: number[] = [];
  private tokens: number[] = [];
  /** 1 for a request the provider counted, 0 for one it refused (a 429 costs nothing there). */
  private counts: number[] = [];
  private head = 0;
  /** Tickets admitted before times[0] (entries dropped from the arrays' front). */
  private dropped = 0;
  /**
   * Tokens booked beyond what requests in flight are expected to cost (their
   * answer allowance's spare part), by ticket. A provider that refunds holds
   * them back from its bucket until the answer: the pacing bucket may not
   * fill above its capacity less them.
   */
  private readonly holds = new Map<number, number>();
  private held = 0;
  /**
   * The provider's own bucket as we expect it: charges only (what requests are
   * expected to cost, corrected by what their answers said), refilled at our
   * rate and full at PROVIDER_BURST_SECONDS, plus ARRIVAL_JITTER_MS of refill.
   * A request that with the others' holds is bigger than that bucket is
   * admitted only when it is full, and whether it is full does not depend on
   * the holds: read off tokenLevel (available = level - holds), an over-estimate
   * of the holds would call it full early, and every answer that released one
   * would let the next request out before the provider's bucket had refilled.
   */
  private providerLevel: number;
  /** What each request in flight is expected to cost, by ticket (to correct providerLevel when it answers). */
  private readonly expectedCost = new Map<number, number>();
  private windowCount = 0;
  private windowTokens = 0;
  private headroom = MIN_HEADROOM;
  private headroomGrewAt = -Infinity;

  constructor(
    private readonly opts: RateBudgetOptions,
    now: number,
  ) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.configuredRpm = opts.requestsPerMinute;
    this.configuredTpm = opts.tokensPerMinute;
    this.rpm = opts.requestsPerMinute;
    this.tpm = opts.tokensPerMinute;
    this.capacityCap = this.baseCapacity();
    this.level = this.capacity();
    this.tokenLevel = this.tokenCapacity();
    // Not the provider's capacity: without burst mode we do not count on budget saved before the run.
    this.providerLevel = this.tokenCapacity();
    this.last = now;
  }

  /** Requests per second the limit allows (the ceiling). */
  get ratePerS(): number {
    return (this.rpm / this.windowMs) * 1000;
  }
  /** Share of the limits kept unused now (see HEADROOM above): learned from 429s, never under what jitter needs. */
  get headroomShare(): number {
    return Math.max(this.headroom, this.jitterHeadroom());
  }

  /** The share of an interval that covers ARRIVAL_JITTER_MS beyond what the provider's larger bucket absorbs. */
  private jitterHeadroom(): number {
    const perMs = this.rpm / this.windowMs;
    const absorbedMs = (Math.max(1, perMs * PROVIDER_BURST_SECONDS * 1000) - this.capacity()) / perMs;
    return Math.min(MAX_HEADROOM, Math.max(0, ARRIVAL_JITTER_MS - absorbedMs) * perMs);
  }

  /** Requests and tokens per millisecond the pacing buckets refill at: the limits less the headroom. */
  private get requestsPerMs(): number {
    return (this.rpm * (1 - this.headroomShare)) / this.windowMs;
  }
  private get tokensPerMs(): number {
    return (this.tpm * (1 - this.headroomShare)) / this.windowMs;
  }
  get limits(): { requestsPerMinute: number; tokensPerMinute: number } {
    return { requestsPerMinute: this.rpm, tokensPerMinute: this.tpm };
  }
  /** Requests that may start at once right now (after a quiet spell). */
  capacity(): number {
    // The header clamps the burst, never the small slack that absorbs timer
    // lateness (the provider holds seconds of burst; slack is a fraction of one).
    return Math.max(1, this.slack(), Math.min(this.capacityCap, this.headerCap));
  }

  private slack(): number {
    return this.ratePerS * (this.opts.slackSeconds ?? 0.2);
  }
  isPaused(now: number): boolean {
    return now < this.pausedUntil;
  }
  inWindow(now: number): { requests: number; tokens: number } {
    this.evict(now);
    return { requests: this.windowCount, tokens: this.windowTokens };
  }

  private baseCapacity(): number {
    const seconds = this.opts.burst ? (this.opts.burstSeconds ?? DEFAULT_BURST_SECONDS) : (this.opts.slackSeconds ?? 0.2);
    return Math.max(1, this.ratePerS * seconds);
  }
  private tokenCapacity(): number {
    const seconds = this.opts.burst ? (this.opts.burstSeconds ?? DEFAULT_BURST_SECONDS) : (this.opts.slackSeconds ?? 0.2);
    return Math.max(1, (this.tpm / this.windowMs) * 1000 * seconds);
  }

  private refill(now: number): void {
    const dt = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.level = Math.min(this.capacity(), this.level + dt * this.requestsPerMs);
    this.tokenLevel = Math.min(this.tokenRoom(), this.tokenLevel + dt * this.tokensPerMs);
    this.providerLevel = Math.min(this.fullMark(), this.providerLevel + dt * this.tokensPerMs);
  }

  /** Tokens the provider's bucket holds when full (PROVIDER_BURST_SECONDS, or ours if larger). */
  private providerCapacity(): number {
    return Math.max(this.tokenCapacity(), (this.tpm / this.windowMs) * 1000 * PROVIDER_BURST_SECONDS);
  }

  /** providerLevel once the provider's bucket has been full for ARRIVAL_JITTER_MS: when a request that needs it full may go. */
  private fullMark(): number {
    return this.providerCapacity() + ARRIVAL_JITTER_MS * this.tokensPerMs;
  }

  /**
   * How far the tokens level (what another request may reserve) may fill: the provider's
   * bucket less what is held, plus ARRIVAL_JITTER_MS of refill. An ordinary admission
   * spends from our own smaller bucket (see tryAcquire); only a request too big for that
   * one is judged by the provider's bucket, and then by providerLevel.
   */
  private tokenRoom(): number {
    return this.fullMark() - this.held;
  }

  private evict(now: number): void {
    const edge = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= edge) {
      this.windowCount -= this.counts[this.head] as number;
      this.windowTokens -= this.tokens[this.head] as number;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.tokens = this.tokens.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.dropped += this.head;
      this.head = 0;
    }
  }

  /**
   * Admits one request booking `tokens` at `now` (and records it), or says how
   * long to wait before asking again. `expected` is what it is expected to
   * really cost (the provider's bucket is paced by it); `hold` what the
   * provider may hold beyond the charge until the answer - the rest of the
   * booking unless said. Before answers were seen the two are not one guess:
   * the charge is the prior, the hold the whole allowance, each erring to
   * the safe side (a hold under-estimated calls the provider's bucket full
   * enough early).
   */
  tryAcquire(tokens: number, now: number, expected = tokens, hold = Math.max(0, tokens - expected)): Admission {
    if (now < this.pausedUntil) return { ok: false, waitMs: this.pausedUntil - now, reason: "paused" };
    const spacing = this.opts.minSpacingMs ?? 0;
    if (spacing > 0 && now < this.lastStart + spacing) {
      return { ok: false, waitMs: this.lastStart + spacing - now, reason: "spacing" };
    }
    this.refill(now);
    if (this.level < 1) {
      return { ok: false, waitMs: Math.max(1, (1 - this.level) / this.requestsPerMs), reason: "pacing" };
    }
    // A request that with the others' holds does not fit our own bucket goes as the PROVIDER's
    // bucket would take it: when that holds its reservation on top of the holds, or is full
    // (a request bigger than the bucket then leaves it in debt, so the long-run rate is the
    // limit). Sent when our smaller bucket is full, it would arrive while the provider's is
    // still filling its last 0.2 s. It goes ARRIVAL_JITTER_MS late: such admissions are paced
    // by the charges alone, with no spare burst to absorb a request that arrives a little
    // before the one sent ahead of it.
    const ours = this.tokenCapacity() - this.held;
    const full = tokens > ours;
    const missing = full
      ? Math.min(tokens + this.held, this.providerCapacity()) + ARRIVAL_JITTER_MS * this.tokensPerMs - this.providerLevel
      : tokens - this.tokenLevel;
    if (missing > 0) return { ok: false, waitMs: Math.max(1, missing / this.tokensPerMs), reason: "tokens" };
    this.evict(now);
    if (this.windowCount + 1 > this.rpm) {
      return { ok: false, waitMs: Math.max(1, (this.times[this.head] as number) + this.windowMs - now), reason: "window" };
    }
    if (this.windowTokens + tokens > this.tpm && this.windowCount > 0) {
      // Wait until enough of the oldest requests leave the window.
      let freed = this.tpm - this.windowTokens - tokens;
      let i = this.head;
      while (freed < 0 && i < this.times.length) freed += this.tokens[i++] as number;
      const until = (this.times[i - 1] as number) + this.windowMs;
      return { ok: false, waitMs: Math.max(1, until - now), reason: "window" };
    }
    // The spare allowance (booked beyond what it should cost) counts twice until the answer:
    // held, as a refunding provider keeps it from other requests, and spent, as the provider
    // may charge more than we expect. Counted once, a provider whose holds filled its bucket
    // admits the next big request only once a whole charge refilled, and we sent it after
    // just our expected charge: 429s whenever the answers ran longer than expected.
    this.level -= 1;
    // An ordinary admission spends from our own (smaller) bucket: the room above it is not burst.
    if (!full) this.tokenLevel = Math.min(this.tokenLevel, ours);
    this.tokenLevel -= tokens + hold;
    this.providerLevel = Math.min(this.providerLevel, this.providerCapacity()) - expected;
    this.lastStart = now;
    this.times.push(now);
    this.tokens.push(tokens);
    this.counts.push(1);
    this.windowCount += 1;
    this.windowTokens += tokens;
    const ticket = this.dropped + this.times.length - 1;
    this.expectedCost.set(ticket, expected);
    if (hold > 0) {
      this.holds.set(ticket, hold);
      this.held += hold;
    }
    return { ok: true, ticket };
  }

  /**
   * The answer to an admitted request says what it really cost (prompt +
   * answer, usually less than the allowance booked): the difference goes back
   * into the pacing bucket and, while the request is still in the 60 s window,
   * into the window's total. A request that cost more is booked up.
   */
  settle(ticket: number, actualTokens: number, now: number): void {
    const hold = this.release(ticket);
    const expected = this.expectedCost.get(ticket);
    this.expectedCost.delete(ticket);
    this.headroom = Math.max(MIN_HEADROOM, this.headroom * HEADROOM_DECAY);
    this.refill(now);
    this.tokenLevel = Math.min(this.tokenRoom(), this.tokenLevel + hold); // its second count
    if (!(actualTokens >= 0)) return;
    if (expected !== undefined) this.providerLevel = Math.min(this.fullMark(), this.providerLevel + expected - actualTokens);
    this.evict(now);
    const i = ticket - this.dropped;
    if (i < this.head || i >= this.times.length) return;
    const booked = this.tokens[i] as number;
    this.tokens[i] = actualTokens;
    this.windowTokens += actualTokens - booked;
    this.refill(now);
    this.tokenLevel = Math.min(this.tokenRoom(), this.tokenLevel + booked - actualTokens);
  }

  /** Ends a request's hold; returns it. */
  private release(ticket: number): number {
    const hold = this.holds.get(ticket);
    if (hold === undefined) return 0;
    this.holds.delete(ticket);
    this.held = Math.max(0, this.held - hold);
    return hold;
  }

  /**
   * The provider refused an admitted request (429): it counted nothing there,
   * so the request leaves the window log. We sent it early, so the headroom
   * grows (once per refill interval: a burst of 429s is one lesson). With a
   * Retry-After the provider said when it takes a request: the buckets are set
   * to reach one request (and this request's tokens) exactly then, so the
   * refused request costs no slot of the budget, only its round trip.
   * Without one, everything waits `fallbackMs` and saved burst is dropped.
   */
  refuse(ticket: number, now: number, retryAfterMs: number | undefined, fallbackMs: number): void {
    const hold = this.release(ticket);
    const expected = this.expectedCost.get(ticket) ?? 0;
    this.expectedCost.delete(ticket);
    this.evict(now);
    const i = ticket - this.dropped;
    let booked = hold; // its spare allowance was counted twice
    if (i >= this.head && i < this.times.length && this.counts[i] === 1) {
      booked += this.tokens[i] as number;
      this.windowCount -= 1;
      this.windowTokens -= booked;
      this.counts[i] = 0;
      this.tokens[i] = 0;
    }
    if (now - this.headroomGrewAt >= Math.max(1000, 1 / this.requestsPerMs)) {
      this.headroom = Math.min(MAX_HEADROOM, this.headroom * 2);
      this.headroomGrewAt = now;
    }
    this.refill(now);
    this.providerLevel = Math.min(this.fullMark(), this.providerLevel + expected); // it charged nothing
    if (retryAfterMs === undefined) {
      this.pause(fallbackMs, now);
      return;
    }
    // It said when its bucket holds enough: a request that needed it full goes ARRIVAL_JITTER_MS after that.
    this.providerLevel = Math.min(this.providerLevel, this.providerCapacity() - retryAfterMs * this.tokensPerMs);
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.level = Math.max(this.level, Math.min(this.level + 1, 1 - retryAfterMs * this.requestsPerMs));
    const asked = booked - hold;
    const need = asked > this.tokenCapacity() - this.held ? Math.min(asked, this.tokenRoom()) : asked;
    this.tokenLevel = Math.max(this.tokenLevel, Math.min(this.tokenLevel + booked, need - retryAfterMs * this.tokensPerMs));
  }

  /** Tokens booked in the last 60 s per request booked (0 when none): what a request costs now. */
  tokensPerRequest(now: number): number {
    this.evict(now);
    return this.windowCount > 0 ? this.windowTokens / this.windowCount : 0;
  }

  /** Index of the first request admitted at or after `t` (binary search in the log). */
  private firstSince(t: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Corrects the budget from a response's x-ratelimit-* headers. `sentAt` is
   * when that request was admitted: the provider computed `remaining` when it
   * accepted the request, a whole latency ago, so the provider's budget NOW is
   * estimated as remaining + refill since then - what we sent since then, less
   * a margin. We never hold more than that estimate. It is NOT used to raise
   * what we hold: the provider accepts a request some unknown time after we
   * send it (connection set-up, its own queue), so the estimate runs high by
   * rate x that lag; tried with the local server, spending it caused 429s.
   */
  observe(h: RateHeaders, now: number, sentAt?: number): void {
    this.refill(now);
    // A smaller published limit wins; a larger one does not raise what the
    // person configured (they may share the key with other tools).
    if (h.limitRequests && h.limitRequests > 0) {
      const rpm = Math.min(this.configuredRpm, h.limitRequests);
      if (rpm !== this.rpm) {
        this.rpm = rpm;
        this.capacityCap = this.baseCapacity();
      }
    }
    if (h.limitTokens && h.limitTokens > 0) this.tpm = Math.min(this.configuredTpm, h.limitTokens);
    if (h.remainingRequests !== undefined && h.remainingRequests >= 0) {
      this.headerCap = Math.max(1, h.remainingRequests);
      // The header is a whole number rounded down: "0" says fewer than one is
      // left, not none, so the bound is remaining + 1. Read as "none", every
      // answer under 10 requests/min would throw away the refill toward the next.
      let available = h.remainingRequests + 1;
      if (sentAt !== undefined && sentAt <= now) {
        const since = Math.max(0, this.times.length - this.firstSince(sentAt) - 1); // not the request itself
        available = h.remainingRequests + 1 + ((now - sentAt) * this.rpm) / this.windowMs - since;
      }
      const usable = Math.max(0, available - this.margin());
      this.level = Math.min(this.level, usable);
    }
    if (h.remainingTokens !== undefined && h.remainingTokens >= 0) {
      // The same estimate in tokens: a hosted model answers tens of seconds after
      // it admitted the request, so the bare header is far too low by now.
      let available = h.remainingTokens;
      if (sentAt !== undefined && sentAt <= now) {
        let since = 0;
        for (let i = this.firstSince(sentAt) + 1; i < this.times.length; i++) since += this.tokens[i] as number;
        available = h.remainingTokens + ((now - sentAt) * this.tpm) / this.windowMs - since;
      }
      this.tokenLevel = Math.min(this.tokenLevel, Math.max(0, available - (this.tpm / this.windowMs) * 100));
    }
  }

  /** Requests kept in reserve when spending what the provider says is left: 0.1 s of rate. */
  private margin(): number {
    return this.ratePerS / 10;
  }

  /** Stops all admissions until now + ms (a 429's Retry-After or our own back-off) and drops saved burst. */
  pause(ms: number, now: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    this.refill(now);
    this.level = Math.min(this.level, 0);
  }
}
