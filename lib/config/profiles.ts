// Built-in defaults, the guide's three performance profiles and its three
// use-case presets ("Tuning Guidelines"), with the guide's numbers.
import type { Settings } from "./keys";

export const DEFAULT_LLAMA_MODEL = "Llama-4-Maverick-17B-128E-Instruct-FP8";
export const DEFAULT_LLAMA_BASE_URL = "https://api.llama.com/v1";

/** The guide's "Optimized Settings" block, plus the keys the guide does not give a number for. */
export const DEFAULTS: Settings = {
  parallelWorkers: 25,
  batchSize: "auto",
  maxRetries: 3,
  timeoutS: 60,
  rateLimitDelayS: 0.5,
  batchDelayS: 1.0,
  maxRequestsPerMinute: 3000,
  // Not in the guide, which gives no token limit: high enough not to bind unless
  // the person sets their plan's (Meta advertises 1M/min); the live
  // x-ratelimit-limit-tokens header lowers it to the provider's either way.
  maxTokensPerMinute: 100_000_000,
  maxConcurrentRequests: 128,
  adaptiveRateLimiting: true,
  burstMode: true,
  optimalBatchSize: 8,
  fastTimeoutS: 30,
  enableFastMode: false,
  // Fast-mode thresholds (also used by the local provider to name problems).
  // focusSharpness (lib/images/metrics.ts): Laplacian variance of the sharpest
  // tiles at the analysis size; measured figures per blur radius are in docs/configuration.md.
  minSharpness: 12,
  minBrightness: 0.08,
  maxBrightness: 0.95,
  // On: after the image pipeline and niced, it costs that pipeline nothing measurable (docs/decisions/020-faces-on-the-cpu.md).
  facesEnabled: true,
};

export type Overrides = Partial<Settings>;

// Profiles differ in how they approach the limit (how many requests at the
// start, how long they wait after a 429, how far concurrency may go), never in a
// ceiling below it: every one sends auto-sized batches and sizes concurrency to
// the binding limit (docs/decisions/022-engine-tunes-to-the-binding-limit.md).
export const PROFILES = {
  /** Testing, unstable connections: a gentle start, long pauses after a 429. */
  conservative: { parallelWorkers: 10, batchSize: "auto", rateLimitDelayS: 1.0, maxConcurrentRequests: 64 },
  /** Most use cases, balanced speed/reliability (the default). */
  optimized: { parallelWorkers: 25, batchSize: "auto", rateLimitDelayS: 0.5, maxConcurrentRequests: 128 },
  /** Stable connections, maximum speed: a fast start, short pauses, no batch_delay. */
  "high-throughput": { parallelWorkers: 50, batchSize: "auto", rateLimitDelayS: 0.2, maxConcurrentRequests: 256, batchDelayS: 0 },
} as const satisfies Record<string, Overrides>;
export type ProfileName = keyof typeof PROFILES;
export const DEFAULT_PROFILE: ProfileName = "optimized";

export const PRESETS = {
  /** Photography studios (1000+ images). */
  studio: { parallelWorkers: 50, batchSize: "auto", rateLimitDelayS: 0.2, enableFastMode: true },
  /** Content creators (50-200 images). */
  creator: { parallelWorkers: 25, batchSize: "auto", rateLimitDelayS: 0.5, enableFastMode: true },
  /** Casual users (10-50 images). */
  casual: { parallelWorkers: 10, batchSize: "auto", rateLimitDelayS: 1.0, enableFastMode: false },
} as const satisfies Record<string, Overrides>;
