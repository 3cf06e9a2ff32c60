// Vision providers: one interface for the native Llama API, OpenAI-compatible servers and local measurements.
export { createProvider, ProviderError, type VisionProvider, type PhotoInput, type BatchResult } from "./provider";
export { buildPrompt } from "./prompt";
export { IMAGE_TOKENS, maxCompletionTokens, llama4ImageTokens, tileAwareSize } from "./tokens";
export { GROUP_MIN_FACES } from "./local";
export * from "./types";
