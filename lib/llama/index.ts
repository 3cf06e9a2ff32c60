// Vision providers: one interface for the native Llama API, OpenAI-compatible servers and local measurements.
export {
  createProvider,
  ProviderError,
  type VisionProvider,
  type PhotoInput,
  type PhotoOutcome,
  type BatchResult,
  type RateLimitInfo,
  type ProviderErrorKind,
  type AnalyzeOptions,
} from "./provider";
export { PROMPT_VERSION, buildPrompt, batchJsonSchema } from "./prompt";
export { parseBatchAnswer } from "./answer";
export { repairEntry } from "./repair";
export { readRateLimit, parseRetryAfter } from "./rate-limit";
export { estimateRequestTokens, IMAGE_TOKENS, COMPLETION_TOKENS_PER_PHOTO, maxCompletionTokens, imageTokensFor, llama4ImageTokens, tileAwareSize } from "./tokens";
export { localAnalysis, centredCrop, localFaceTags, GROUP_MIN_FACES } from "./local";
export * from "./types";
