// What the two chat-completion providers share: build the one-message request,
// send it, classify failures, read the rate-limit headers, parse the answer.
// Each provider supplies only its endpoint and how to read its response shape.
import { errorForStatus, ProviderError, type ProviderLabels } from "./errors";
import { postJson } from "./http";
import { parseBatchAnswer } from "./answer";
import { batchJsonSchema, buildPrompt, userContent } from "./prompt";
import { readRateLimit } from "./rate-limit";
import { estimateRequestTokens, imageTokensFor, maxCompletionTokens } from "./tokens";
import type { AnalyzeOptions, BatchResult, PhotoInput } from "./provider";

/** The part of a 2xx answer each API shape puts in a different place. */
export interface ChatAnswer {
  content: string;
  truncated: boolean;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export interface ChatEndpoint {
  url: string;
  apiKey?: string;
  model: string;
  labels: ProviderLabels;
  /** The name of the max-tokens field this API shape uses. */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  /** Reads the parsed JSON body; throws ProviderError("invalid_answer") when the shape is wrong. */
  read(json: unknown): ChatAnswer;
}

export function chatBody(endpoint: ChatEndpoint, batch: readonly PhotoInput[], maxCompletion = maxCompletionTokens(batch.length)) {
  return {
    model: endpoint.model,
    messages: [{ role: "user", content: userContent(batch, buildPrompt(batch.length)) }],
    response_format: {
      type: "json_schema",
      json_schema: { name: "photo_batch_analysis", schema: batchJsonSchema(batch.length) },
    },
    temperature: 0.2,
    [endpoint.maxTokensField]: maxCompletion,
  };
}

export function estimateChatTokens(model: string, batch: readonly PhotoInput[], maxCompletion = maxCompletionTokens(batch.length)): number {
  const images = batch.map((p) => imageTokensFor(model, p.width, p.height));
  return estimateRequestTokens(buildPrompt(batch.length).length, images, maxCompletion);
}

export async function runChat(endpoint: ChatEndpoint, batch: PhotoInput[], opts: AnalyzeOptions): Promise<BatchResult> {
  const { signal } = opts;
  if (batch.length === 0) {
    return { outcomes: [], usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, rateLimit: {}, latencyMs: 0 };
  }
  const raw = await postJson(endpoint.url, chatBody(endpoint, batch, opts.maxCompletionTokens), { apiKey: endpoint.apiKey, signal });
  const rateLimit = readRateLimit(raw.headers);
  if (raw.status < 200 || raw.status >= 300) {
    throw errorForStatus(raw.status, raw.text, rateLimit, endpoint.labels, endpoint.model);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch {
    throw new ProviderError("invalid_answer", `${endpoint.labels.service} sent a response that is not JSON.`, {
      status: raw.status,
      rateLimit,
    });
  }
  const answer = endpoint.read(json);
  let outcomes;
  try {
    // A cut-off answer (stop reason "length") keeps its complete entries; only the photos cut off fail.
    outcomes = parseBatchAnswer(answer.content, batch, { stopLength: answer.truncated });
  } catch (err) {
    if (err instanceof ProviderError) {
      throw new ProviderError(err.kind, err.message, { status: raw.status, rateLimit });
    }
    throw err;
  }
  return { outcomes, usage: answer.usage, rateLimit, latencyMs: raw.latencyMs };
}
