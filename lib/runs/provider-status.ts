// What the dashboard says about who analyses the photos. With the "local"
// provider (no API key) nothing is analysed by AI, and the page must say so
// plainly rather than let measurements pass for model answers.
import { ConfigError, resolveConfig } from "@/lib/config";
import { getEnv } from "@/lib/env";

export const LOCAL_ONLY_MESSAGE = "Not analysed by AI: no LLAMA_API_KEY configured; showing local measurements only";

export interface ProviderStatus {
  provider: string;
  model: string;
  aiEnabled: boolean;
  /** The configured budget, to show how much of it a run uses. */
  maxRequestsPerMinute: number | null;
  maxTokensPerMinute: number | null;
  /** Shown on the dashboard when set. */
  message: string | null;
}

let cached: ProviderStatus | undefined;

export function providerStatus(): ProviderStatus {
  if (cached) return cached;
  try {
    const cfg = resolveConfig({ file: getEnv().ORGANIZER_CONFIG });
    const aiEnabled = cfg.provider !== "local";
    cached = {
      provider: cfg.provider,
      model: cfg.model,
      aiEnabled,
      maxRequestsPerMinute: cfg.maxRequestsPerMinute,
      maxTokensPerMinute: cfg.maxTokensPerMinute,
      message: aiEnabled
        ? null
        : getEnv().LLAMA_API_KEY
          ? "Not analysed by AI: the local provider is configured; showing local measurements only"
          : LOCAL_ONLY_MESSAGE,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Not cached: a fixed configuration file is picked up on the next poll.
    return {
      provider: "unknown",
      model: "",
      aiEnabled: false,
      maxRequestsPerMinute: null,
      maxTokensPerMinute: null,
      message: `The analysis configuration is invalid: ${err.message}`,
    };
  }
  return cached;
}
