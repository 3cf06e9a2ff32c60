// Provider "openai-compatible": the OpenAI chat-completions shape spoken by
// Meta's compat endpoint, Ollama, vLLM, Groq, Together. Same prompt and schema.
import type { ResolvedConfig } from "@/lib/config";
import { runChat, estimateChatTokens, type ChatAnswer, type ChatEndpoint } from "./chat";
import { ProviderError } from "./errors";
import { PROMPT_VERSION } from "./prompt";
import type { VisionProvider } from "./provider";

export const COMPAT_LABELS = {
  service: "The OpenAI-compatible server",
  keyEnv: "OPENAI_COMPAT_API_KEY",
  baseUrlKey: "openai_compatible.base_url (OPENAI_COMPAT_BASE_URL)",
  modelKey: "openai_compatible.model (OPENAI_COMPAT_MODEL)",
};

interface CompatResponse {
  choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
}

const n = (v: unknown) => (typeof v === "number" ? v : 0);

export function readCompatAnswer(json: unknown): ChatAnswer {
  const res = json as CompatResponse;
  const choice = res?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== "string") {
    throw new ProviderError("invalid_answer", "The OpenAI-compatible answer has no choices[0].message.content text.");
  }
  const promptTokens = n(res.usage?.prompt_tokens);
  const completionTokens = n(res.usage?.completion_tokens);
  return {
    content,
    truncated: choice?.finish_reason === "length",
    usage: { promptTokens, completionTokens, totalTokens: n(res.usage?.total_tokens) || promptTokens + completionTokens },
  };
}

export function createOpenAiCompatibleProvider(cfg: ResolvedConfig): VisionProvider {
  const endpoint: ChatEndpoint = {
    url: `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions`,
    apiKey: cfg.apiKey,
    model: cfg.model,
    labels: COMPAT_LABELS,
    maxTokensField: "max_tokens",
    read: readCompatAnswer,
  };
  return {
    name: "openai-compatible",
    model: cfg.model,
    promptVersion: PROMPT_VERSION,
    usesNetwork: true,
    analyze: (batch, opts) => runChat(endpoint, batch, opts),
    estimateTokens: (batch, maxCompletion) => estimateChatTokens(endpoint.model, batch, maxCompletion),
  };
}
