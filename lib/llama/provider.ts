// One interface for every analyser, so the analysis loop never knows which API
// (or none) is behind it. Providers are chosen by lib/config.
import type { ResolvedConfig } from "@/lib/config";
import type { RateLimitInfo } from "./errors";
import type { StoredAnalysis } from "./types";
import { createLlamaProvider } from "./native";
import { createOpenAiCompatibleProvider } from "./openai-compatible";
import { createLocalProvider } from "./local";

export type { RateLimitInfo } from "./errors";
export { ProviderError } from "./errors";

export interface PhotoInput {
  id: string;
  contentHash: string;
  /** The pipeline's analysis JPEG (whole Llama 4 tiles, see tileAwareSize). */
  jpeg: Buffer;
  /** The JPEG's own dimensions (0 when unknown: its tokens are then booked at the worst case). */
  width: number;
  height: number;
  // Pipeline measurements, used by the local provider (null when unknown).
  sharpness: number | null;
  brightness: number | null;
  /** Faces the face stage found, when it ran first (the local provider tags groups). */
  faceCount?: number | null;
}

export type PhotoOutcome =
  | {
      photoId: string;
      ok: true;
      analysis: StoredAnalysis;
      /** What the repair step changed in the model's answer for this photo (also in analysis.repairs); [] when nothing. */
      repairs: string[];
    }
  | { photoId: string; ok: false; error: string };

export interface BatchResult {
  /** One outcome per input photo, in input order. */
  outcomes: PhotoOutcome[];
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  rateLimit: RateLimitInfo;
  latencyMs: number;
}

export interface VisionProvider {
  readonly name: "llama" | "openai-compatible" | "local";
  readonly model: string;
  /** Part of the cache key; derived from the prompt text and JSON schema, so it changes when they do. */
  readonly promptVersion: string;
  /** False for local. */
  readonly usesNetwork: boolean;
  /**
   * One request for the whole batch. Throws ProviderError for a failure of the
   * whole request; a per-photo invalid/missing answer is an { ok:false }
   * outcome (the caller retries that photo alone). When `signal` aborts with a
   * TimeoutError (AbortSignal.timeout) this throws ProviderError "timeout";
   * any other abort reason (cancel, pause) is rethrown as-is.
   */
  analyze(batch: PhotoInput[], opts: AnalyzeOptions): Promise<BatchResult>;
  /**
   * Tokens the batch books against the tokens-per-minute budget when it is
   * sent: the prompt (text, and images by the model's tiling) plus the answer
   * allowance sent as max_completion_tokens, which a provider may hold until
   * the answer comes back. The real usage settles it afterwards.
   */
  estimateTokens(batch: PhotoInput[], maxCompletionTokens?: number): number;
}

export interface AnalyzeOptions {
  signal: AbortSignal;
  /** The answer allowance (max_completion_tokens); defaults to the prior of lib/llama/tokens.ts. */
  maxCompletionTokens?: number;
}

export function createProvider(cfg: ResolvedConfig): VisionProvider {
  switch (cfg.provider) {
    case "llama":
      return createLlamaProvider(cfg);
    case "openai-compatible":
      return createOpenAiCompatibleProvider(cfg);
    case "local":
      return createLocalProvider(cfg);
  }
}
