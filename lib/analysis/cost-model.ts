// What a request really costs, learned from the answers: answer tokens per
// photo (the provider's num_completion_tokens / usage) and latency per answer
// token. A hosted model's latency is mostly the answer (time to first token +
// prompt at the prefill rate + answer tokens at the decode rate), so a batch of
// 8 takes several times as long as one photo: that is expected, not "slow".
// Pure arithmetic: samples come in as arguments.
import { maxCompletionTokens } from "@/lib/llama";
import { CONGESTED } from "./concurrency";

/**
 * What a photo's answer is expected to cost until answers were seen: a hosted
 * model answers this prompt in ~400-600 tokens (docs/llama-api). The allowance
 * above it (COMPLETION_TOKENS_PER_PHOTO is sent until then) is booked as held:
 * a refunding provider holds it until the answer.
 */
const PRIOR_ANSWER_TOKENS = 500;
/** Latency per photo assumed until the first answer: ~600-700 tokens at ~150 tokens/s, rounded up. */
export const PRIOR_MS_PER_PHOTO = 5_000;
const SAMPLES = 256;
/** Answered requests before their figures replace the priors (each averages its batch's answers). */
const MIN_SAMPLES = 3;

export class CostModel {
  /** Answer tokens per photo of recent requests, with the request's photo count (an average of n answers). */
  private answers: number[] = [];
  private counts: number[] = [];
  private next = 0;
  private truncations = 0;
  /** Real prompt tokens (the answer's usage) over our estimate of them: text is estimated at 3 characters a token, an upper bound. */
  private promptRatio = 1;
  private promptSamples = 0;
  private msPerToken: number | undefined;
  /** Latency per answer token in normal times: a slow average that does not learn from congested answers. */
  private usual: number | undefined;
  private recent: number | undefined;

  /** A request of `photos` answered with `completionTokens` in `latencyMs`. */
  observe(photos: number, completionTokens: number, latencyMs: number): void {
    if (photos <= 0 || completionTokens <= 0) return;
    const perPhoto = completionTokens / photos;
    if (this.answers.length < SAMPLES) {
      this.answers.push(perPhoto);
      this.counts.push(photos);
    } else {
      this.answers[this.next] = perPhoto;
      this.counts[this.next] = photos;
    }
    this.next = (this.next + 1) % SAMPLES;
    const perToken = latencyMs / completionTokens;
    this.msPerToken = this.msPerToken === undefined ? perToken : this.msPerToken + 0.2 * (perToken - this.msPerToken);
    this.recent = this.recent === undefined ? perToken : this.recent + 0.2 * (perToken - this.recent);
    if (this.usual === undefined) this.usual = perToken;
    else if (perToken < this.usual * CONGESTED) this.usual += 0.05 * (perToken - this.usual);
  }

  get samples(): number {
    return this.answers.length;
  }

  /** Mean answer tokens per photo (the prior until enough answers). */
  meanAnswerTokens(): number {
    if (this.answers.length < MIN_SAMPLES) return PRIOR_ANSWER_TOKENS;
    let tokens = 0;
    let photos = 0;
    for (let i = 0; i < this.answers.length; i++) {
      tokens += (this.answers[i] as number) * (this.counts[i] as number);
      photos += this.counts[i] as number;
    }
    return tokens / photos;
  }

  /** Spread (standard deviation) of one photo's answer: a request's average of n answers spreads 1/sqrt(n) as much. */
  answerSpread(): number {
    const mean = this.meanAnswerTokens();
    let sum = 0;
    for (let i = 0; i < this.answers.length; i++) sum += (this.counts[i] as number) * ((this.answers[i] as number) - mean) ** 2;
    return Math.sqrt(sum / Math.max(1, this.answers.length));
  }

  /** An answer said what the prompt really cost; we had estimated `estimated`. */
  observePrompt(estimated: number, actual: number): void {
    if (!(estimated > 0) || !(actual > 0)) return;
    const r = actual / estimated;
    this.promptRatio = this.promptSamples === 0 ? r : this.promptRatio + 0.2 * (r - this.promptRatio);
    this.promptSamples += 1;
  }

  /** Our prompt estimate corrected by what answers said (1 before any; never below 0.5). */
  get promptFactor(): number {
    return Math.max(0.5, this.promptRatio);
  }

  /** An answer was cut off at the allowance: allow more from now on. */
  cutOff(): void {
    this.truncations += 1;
  }

  /**
   * max_completion_tokens for a batch of n. A batch's answer is the sum of n
   * photos' answers, so it spreads only sqrt(n) times one photo's spread: the
   * allowance is n x the mean + 3 spreads x sqrt(n) (+1 per answer cut off so
   * far; 3 spreads leave ~0.1% of answers cut), not n x the longest answer. Tight on purpose: a provider may hold
   * the unused allowance against the tokens/minute budget until the answer
   * comes back, and a cut-off answer still keeps its complete entries.
   */
  maxCompletionTokens(n: number): number {
    if (this.answers.length < MIN_SAMPLES) return maxCompletionTokens(n);
    const k = Math.min(8, 3 + this.truncations);
    return Math.ceil(64 + n * this.meanAnswerTokens() + k * Math.max(this.answerSpread(), 0.05 * this.meanAnswerTokens()) * Math.sqrt(n));
  }

  /** A request of n photos, from its start to its answer (ms). */
  expectedLatencyMs(n: number): number {
    if (this.msPerToken === undefined) return n * PRIOR_MS_PER_PHOTO;
    return this.msPerToken * n * this.meanAnswerTokens();
  }

  /** A request of n photos at the provider's usual (uncongested) speed (ms). */
  usualLatencyMs(n: number): number {
    if (this.usual === undefined) return this.expectedLatencyMs(n);
    return this.usual * n * this.meanAnswerTokens();
  }

  /** Enough answers were seen for their length to replace the prior. */
  get knowsAnswers(): boolean {
    return this.answers.length >= MIN_SAMPLES;
  }

  get knowsLatency(): boolean {
    return this.msPerToken !== undefined;
  }

  /**
   * How much slower than usual the provider answers now (1 = as usual): the
   * recent average latency per answer token over the usual one. Both are
   * averages, so one slow answer (latency jitters by tens of percent) is not a
   * verdict, and the usual figure does not learn from congested answers, so a
   * provider kept past its knee keeps reading as congested.
   */
  get congestion(): number {
    return this.recent !== undefined && this.usual ? this.recent / this.usual : 1;
  }
}
