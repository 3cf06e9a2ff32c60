// Every configuration key in one table: its path in the JSON file (the guide's
// names, exactly), the ResolvedConfig field it fills, the allowed values, and the
// environment variable / CLI flag that may override it. Validation, env and flag
// parsing and docs/configuration.md are all driven by this table so they cannot
// drift apart.

export type ProviderName = "llama" | "openai-compatible" | "local";
export const PROVIDER_NAMES: readonly ProviderName[] = ["llama", "openai-compatible", "local"];

export interface ResolvedConfig {
  provider: ProviderName;
  /** Said to the person when the provider was chosen for them (e.g. no API key: local measurements only). */
  providerNote?: string;
  model: string;
  baseUrl: string;
  apiKey?: string;
  parallelWorkers: number;
  /** A fixed batch size, or "auto" (grow to optimal_batch_size, shrink on batch failures). */
  batchSize: number | "auto";
  maxRetries: number;
  timeoutS: number;
  rateLimitDelayS: number;
  batchDelayS: number;
  maxRequestsPerMinute: number;
  maxTokensPerMinute: number;
  maxConcurrentRequests: number;
  adaptiveRateLimiting: boolean;
  burstMode: boolean;
  optimalBatchSize: number;
  fastTimeoutS: number;
  enableFastMode: boolean;
  fastMode: { minSharpness: number; minBrightness: number; maxBrightness: number };
  /** Run the face stage (lib/faces) after the image pipeline. */
  facesEnabled: boolean;
  /** The profile the values started from ("optimized" unless chosen). */
  profile: string;
  /** Which layers applied, lowest first, e.g. ["defaults", "profile:optimized", "file:/x.json", "env:LLAMA_MAX_RPM", "flag:--batch-size"]. */
  sources: string[];
}

/** The tunable fields (everything a key can set); apiKey comes only from the environment or a flag. */
export interface Settings {
  provider?: ProviderName;
  model?: string;
  baseUrl?: string;
  openaiCompatBaseUrl?: string;
  openaiCompatModel?: string;
  parallelWorkers: number;
  batchSize: number | "auto";
  maxRetries: number;
  timeoutS: number;
  rateLimitDelayS: number;
  batchDelayS: number;
  maxRequestsPerMinute: number;
  maxTokensPerMinute: number;
  maxConcurrentRequests: number;
  adaptiveRateLimiting: boolean;
  burstMode: boolean;
  optimalBatchSize: number;
  fastTimeoutS: number;
  enableFastMode: boolean;
  minSharpness: number;
  minBrightness: number;
  maxBrightness: number;
  facesEnabled: boolean;
}
export type SettingField = keyof Settings;

export type KeyType =
  | { kind: "int"; min: number; max: number; /** "auto" is allowed too. */ auto?: boolean }
  | { kind: "number"; min: number; max: number }
  | { kind: "bool" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "string" }
  | { kind: "url" };

export interface KeyDef {
  /** Dotted path in the JSON config file. */
  path: string;
  field: SettingField;
  type: KeyType;
  env?: string;
  flag?: string;
  help: string;
}

const int = (min: number, max: number): KeyType => ({ kind: "int", min, max });
const num = (min: number, max: number): KeyType => ({ kind: "number", min, max });
const bool: KeyType = { kind: "bool" };

export const KEYS: readonly KeyDef[] = [
  { path: "ai_provider", field: "provider", type: { kind: "enum", values: PROVIDER_NAMES }, env: "AI_PROVIDER", flag: "--ai-provider",
    help: "Which analyser to use. Unset: `llama` when LLAMA_API_KEY is set, else `local` (measurements only, no AI)." },
  { path: "performance.ai_analysis.parallel_workers", field: "parallelWorkers", type: int(1, 256), env: "PARALLEL_WORKERS", flag: "--parallel-workers",
    help: "Requests in flight at the start, before any latency is measured; from there the loop grows or shrinks it to what the limits and the provider's capacity need (up to max_concurrent_requests). Without adaptive_rate_limiting, the fixed number in flight (at most max_concurrent_requests)." },
  { path: "performance.ai_analysis.batch_size", field: "batchSize", type: { kind: "int", min: 1, max: 8, auto: true }, env: "BATCH_SIZE", flag: "--batch-size",
    help: "Photos sent in one request: a number is used as given; \"auto\" sends the largest batch the model takes (optimal_batch_size), halves it when batches fail as a batch and grows it back. Meta tested up to 5 images per request." },
  { path: "performance.ai_analysis.max_retries", field: "maxRetries", type: int(0, 10), env: "MAX_RETRIES", flag: "--max-retries",
    help: "Retries of a failed photo or request (rate limits, timeouts, 5xx, invalid answers) before it is marked failed." },
  { path: "performance.ai_analysis.timeout", field: "timeoutS", type: num(1, 600), env: "ANALYSIS_TIMEOUT", flag: "--timeout",
    help: "Seconds: upper limit for one request, whatever its size." },
  { path: "performance.ai_analysis.rate_limit_delay", field: "rateLimitDelayS", type: num(0, 60), env: "RATE_LIMIT_DELAY", flag: "--rate-limit-delay",
    help: "Seconds: pause after a 429 when the API sends no Retry-After header (the loop waits at least 1 s)." },
  { path: "performance.ai_analysis.batch_delay", field: "batchDelayS", type: num(0, 60), env: "BATCH_DELAY", flag: "--batch-delay",
    help: "Seconds: least time between the starts of two batches on one slot. The loop opens more slots to make up for it, so it never lowers throughput under the limit; it spaces a slow provider's requests out (0 = none)." },
  { path: "llama.performance.max_requests_per_minute", field: "maxRequestsPerMinute", type: int(1, 1_000_000), env: "LLAMA_MAX_RPM", flag: "--max-rpm",
    help: "Request budget per minute. Corrected live from x-ratelimit-limit-requests." },
  { path: "llama.performance.max_tokens_per_minute", field: "maxTokensPerMinute", type: int(1_000, 1_000_000_000), env: "LLAMA_MAX_TPM", flag: "--max-tpm",
    help: "Token budget per minute (prompt + images + completion). Corrected live from x-ratelimit-limit-tokens." },
  { path: "llama.performance.max_concurrent_requests", field: "maxConcurrentRequests", type: int(1, 512), env: "LLAMA_MAX_CONCURRENT", flag: "--max-concurrent",
    help: "Upper bound on requests in flight. Little's law: in flight = rate x latency (a hosted model answering 8 photos in ~28 s at 1.4 requests/s needs ~40)." },
  { path: "llama.performance.adaptive_rate_limiting", field: "adaptiveRateLimiting", type: bool, env: "LLAMA_ADAPTIVE", flag: "--adaptive",
    help: "Size concurrency to the limit that binds (Little's law), find the provider's capacity from its latency, halve on timeouts/5xx and grow back while healthy." },
  { path: "llama.performance.burst_mode", field: "burstMode", type: bool, env: "LLAMA_BURST", flag: "--burst",
    help: "Let the limiter spend a few seconds of saved-up budget at once after a quiet spell." },
  { path: "llama.performance.optimal_batch_size", field: "optimalBatchSize", type: int(1, 8), env: "LLAMA_OPTIMAL_BATCH_SIZE", flag: "--optimal-batch-size",
    help: "Largest batch batch_size \"auto\" sends (the model's ceiling)." },
  { path: "llama.performance.fast_timeout", field: "fastTimeoutS", type: num(1, 600), env: "LLAMA_FAST_TIMEOUT", flag: "--fast-timeout",
    help: "Seconds: the least time a request is given before it is aborted and retried. A bigger batch gets more: three times the latency the loop measured for its size (answers take longer the longer they are), up to timeout." },
  { path: "llama.model", field: "model", type: { kind: "string" }, env: "LLAMA_MODEL", flag: "--model",
    help: "Model for the llama provider (must accept images)." },
  { path: "llama.base_url", field: "baseUrl", type: { kind: "url" }, env: "LLAMA_API_BASE_URL", flag: "--base-url",
    help: "Base URL of the native Llama API, ending in /v1." },
  { path: "openai_compatible.base_url", field: "openaiCompatBaseUrl", type: { kind: "url" }, env: "OPENAI_COMPAT_BASE_URL", flag: "--compat-base-url",
    help: "Base URL of an OpenAI-compatible server (Meta compat, Ollama, vLLM), ending in /v1." },
  { path: "openai_compatible.model", field: "openaiCompatModel", type: { kind: "string" }, env: "OPENAI_COMPAT_MODEL", flag: "--compat-model",
    help: "Model for the openai-compatible provider." },
  { path: "enable_fast_mode", field: "enableFastMode", type: bool, env: "ENABLE_FAST_MODE", flag: "--fast-mode",
    help: "Pre-filter: near-duplicates that are not their group's best, and photos failing the fast_mode thresholds, are skipped before costing any budget." },
  { path: "fast_mode.min_sharpness", field: "minSharpness", type: num(0, 1_000_000), env: "FAST_MODE_MIN_SHARPNESS", flag: "--min-sharpness",
    help: "Below this pipeline sharpness a photo counts as blurred." },
  { path: "fast_mode.min_brightness", field: "minBrightness", type: num(0, 1), env: "FAST_MODE_MIN_BRIGHTNESS", flag: "--min-brightness",
    help: "Below this mean brightness (0..1) a photo counts as underexposed." },
  { path: "fast_mode.max_brightness", field: "maxBrightness", type: num(0, 1), env: "FAST_MODE_MAX_BRIGHTNESS", flag: "--max-brightness",
    help: "Above this mean brightness (0..1) a photo counts as overexposed." },
  { path: "faces.enabled", field: "facesEnabled", type: bool, env: "FACES_ENABLED", flag: "--faces",
    help: "Detect faces on the machine after the image pipeline (people counts, face-aware crops, closed eyes); false skips the face stage." },
];

export const KEY_BY_PATH: ReadonlyMap<string, KeyDef> = new Map(KEYS.map((k) => [k.path, k]));
export const KEY_BY_FIELD: ReadonlyMap<SettingField, KeyDef> = new Map(KEYS.map((k) => [k.field, k]));

/** Describes what a key allows, for error messages and docs. */
export function describeAllowed(t: KeyType): string {
  switch (t.kind) {
    case "int":
      return `${t.auto ? '"auto" or ' : ""}an integer from ${t.min} to ${t.max}`;
    case "number":
      return `a number from ${t.min} to ${t.max}`;
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${t.values.map((v) => `"${v}"`).join(", ")}`;
    case "string":
      return "a non-empty string";
    case "url":
      return "an http(s) URL";
  }
}
