// Provider "llama": Meta's native Llama API (POST {base}/chat/completions).
// Its answer is { completion_message: { content, stop_reason }, metrics: [...] }
// where content is a string OR { type: "text", text }.
import type { ResolvedConfig } from "@/lib/config";
import { runChat, estimateChatTokens, type ChatAnswer, type ChatEndpoint } from "./chat";
import { ProviderError } from "./errors";
import { PROMPT_VERSION } from "./prompt";
import type { VisionProvider } from "./provider";

export const LLAMA_LABELS = {
  service: "The Llama API",
  keyEnv: "LLAMA_API_KEY",
  baseUrlKey: "llama.base_url (LLAMA_API_BASE_URL)",
  modelKey: "llama.model (LLAMA_MODEL)",
};

interface NativeResponse {
  completion_message?: { content?: unknown; stop_reason?: unknown };
  metrics?: { metric?: unknown; value?: unknown }[];
}

function metric(res: NativeResponse, name: string): number {
  const m = res.metrics?.find((x) => x.metric === name);
  return typeof m?.value === "number" ? m.value : 0;
}

export function readNativeAnswer(json: unknown): ChatAnswer {
  const res = json as NativeResponse;
  const content = res?.completion_message?.content;
  let text: string | undefined;
  if (typeof content === "string") text = content;
  else if (typeof content === "object" && content !== null && (content as { type?: unknown }).type === "text") {
    const t = (content as { text?: unknown }).text;
    if (typeof t === "string") text = t;
  }
  if (text === undefined) {
    throw new ProviderError("invalid_answer", "The Llama API answer has no completion_message text.");
  }
  const promptTokens = metric(res, "num_prompt_tokens");
  const completionTokens = metric(res, "num_completion_tokens");
  return {
    content: text,
    truncated: res.completion_message?.stop_reason === "length",
    usage: { promptTokens, completionTokens, totalTokens: metric(res, "num_total_tokens") || promptTokens + completionTokens },
  };
}

export function createLlamaProvider(cfg: ResolvedConfig): VisionProvider {
  const endpoint: ChatEndpoint = {
    url: `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions`,
    apiKey: cfg.apiKey,
    model: cfg.model,
    labels: LLAMA_LABELS,
    maxTokensField: "max_completion_tokens",
    read: readNativeAnswer,
  };
  return {
    name: "llama",
    model: cfg.model,
    promptVersion: PROMPT_VERSION,
    usesNetwork: true,
    analyze: (batch, opts) => runChat(endpoint, batch, opts),
    estimateTokens: (batch, maxCompletion) => estimateChatTokens(endpoint.model, batch, maxCompletion),
  };
}
