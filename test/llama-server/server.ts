// A local HTTP server speaking the Llama API protocol, for tests and benchmarks
// only (a TEST DOUBLE: its "analyses" are derived from image hashes). It enforces
// request and token budgets the way providers do, answers with a log-normal
// latency, injects faults at set rates, and audits itself.
//
// Endpoints: POST /v1/chat/completions (native Llama shape) and
//            POST /compat/v1/chat/completions (OpenAI shape).
// Token cost of a request (lib/llama/tokens.ts requestCost):
//   ceil(text characters / 4) + images x IMAGE_TOKENS + max_completion_tokens (or max_tokens)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { requestCost, IMAGE_TOKENS } from "@/lib/llama/tokens";
import { fakeAnalysis } from "./answers";
import { BudgetAudit, WindowMax } from "./audit";
import { TokenBucket } from "./bucket";
import { createRng, logNormal } from "./rng";

export interface Faults {
  /** Each a probability 0..1 per accepted request; at most one fault per request. */
  serverError: number;
  /** Never answers; the client must abort. */
  hang: number;
  /** The model text is not JSON. */
  malformed: number;
  /** stop_reason "length" with the JSON cut in half. */
  truncated: number;
  /** One entry too few (or a duplicated entry for a single photo). */
  wrongCount: number;
}
export type FaultKind = keyof Faults;
const FAULT_KINDS: FaultKind[] = ["serverError", "hang", "malformed", "truncated", "wrongCount"];

export interface LlamaServerOptions {
  /** Requests per minute (default 3000). */
  rpm?: number;
  /** Tokens per minute (default 100,000,000, as the client's default budget). */
  tpm?: number;
  /** Seconds of budget that may be spent at once (default 2). */
  burstSeconds?: number;
  latencyMedianMs?: number;
  /** Sigma of the log-normal latency (default 0.3; 0 = always the median). */
  latencySpread?: number;
  faults?: Partial<Faults>;
  seed?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  port?: number;
  /** Clock for the budgets, in ms (tests inject a fake one). */
  now?: () => number;
}

export interface ServerStats {
  received: number;
  accepted: number;
  rejected429: number;
  rejectedAuth: number;
  rejectedInvalid: number;
  faults: Record<FaultKind, number>;
  /** Accepted requests by content shape (native endpoint: string vs {type,text}). */
  contentShapes: { string: number; object: number };
  images: number;
  tokens: number;
  inFlight: number;
  maxConcurrent: number;
  /** Accepted requests that broke the budget rule, by an independent audit: must be 0. */
  overLimit: number;
  /** Most requests accepted in any 60 s window. */
  maxAcceptedPer60s: number;
}

export interface LlamaServer {
  /** Base URL of the native API, ending in /v1. The compat base is url.replace(/\/v1$/, "/compat/v1"). */
  url: string;
  compatUrl: string;
  port: number;
  stats(): ServerStats;
  resetStats(): void;
  setFaults(f: Partial<Faults>): void;
  close(): Promise<void>;
}

interface ParsedRequest {
  images: string[];
  textChars: number;
  maxCompletion: number;
}

/** Light structural check of a chat-completions body; returns a reason on failure. */
function parseBody(body: unknown): ParsedRequest | string {
  if (typeof body !== "object" || body === null) return "body must be a JSON object";
  const b = body as { model?: unknown; messages?: unknown; max_completion_tokens?: unknown; max_tokens?: unknown };
  if (typeof b.model !== "string" || !b.model) return "model is required";
  if (!Array.isArray(b.messages) || b.messages.length === 0) return "messages must be a non-empty array";
  const images: string[] = [];
  let textChars = 0;
  for (const m of b.messages as { role?: unknown; content?: unknown }[]) {
    if (typeof m?.role !== "string") return "every message needs a role";
    if (typeof m.content === "string") {
      textChars += m.content.length;
      continue;
    }
    if (!Array.isArray(m.content)) return "message content must be a string or an array";
    for (const item of m.content as { type?: unknown; text?: unknown; image_url?: { url?: unknown } }[]) {
      if (item?.type === "text" && typeof item.text === "string") textChars += item.text.length;
      else if (item?.type === "image_url" && typeof item.image_url?.url === "string" && item.image_url.url.startsWith("data:image/")) {
        images.push(item.image_url.url);
      } else return "content items must be {type:'text',text} or {type:'image_url',image_url:{url:'data:image/...'}}";
    }
  }
  if (images.length === 0) return "at least one image is required";
  const max = b.max_completion_tokens ?? b.max_tokens ?? 0;
  if (typeof max !== "number" || max < 0) return "max_completion_tokens must be a number";
  return { images, textChars, maxCompletion: max };
}

function emptyStats(): ServerStats {
  return {
    received: 0,
    accepted: 0,
    rejected429: 0,
    rejectedAuth: 0,
    rejectedInvalid: 0,
    faults: { serverError: 0, hang: 0, malformed: 0, truncated: 0, wrongCount: 0 },
    contentShapes: { string: 0, object: 0 },
    images: 0,
    tokens: 0,
    inFlight: 0,
    maxConcurrent: 0,
    overLimit: 0,
    maxAcceptedPer60s: 0,
  };
}

export async function createLlamaServer(opts: LlamaServerOptions = {}): Promise<LlamaServer> {
  const rpm = opts.rpm ?? 3000;
  const tpm = opts.tpm ?? 100_000_000;
  const burst = opts.burstSeconds ?? 2;
  const median = opts.latencyMedianMs ?? 1500;
  const spread = opts.latencySpread ?? 0.3;
  const now = opts.now ?? (() => performance.now());
  const rng = createRng(opts.seed ?? 1);
  let faults: Faults = { serverError: 0, hang: 0, malformed: 0, truncated: 0, wrongCount: 0, ...opts.faults };

  let requests = new TokenBucket(rpm, burst, now());
  let tokens = new TokenBucket(tpm, burst, now());
  let auditReq = new BudgetAudit(requests.capacity, requests.perMs);
  let auditTok = new BudgetAudit(tokens.capacity, tokens.perMs);
  let window = new WindowMax();
  let stats = emptyStats();
  const timers = new Set<NodeJS.Timeout>();

  const budgetHeaders = (t: number): Record<string, string> => ({
    "x-ratelimit-limit-requests": String(rpm),
    "x-ratelimit-remaining-requests": String(Math.max(0, Math.floor(requests.available(t)))),
    "x-ratelimit-limit-tokens": String(tpm),
    "x-ratelimit-remaining-tokens": String(Math.max(0, Math.floor(tokens.available(t)))),
  });

  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const drawFault = (): FaultKind | undefined => {
    let u = rng();
    for (const k of FAULT_KINDS) {
      if (u < faults[k]) return k;
      u -= faults[k];
    }
    return undefined;
  };

  const answerText = (images: string[], fault: FaultKind | undefined): string => {
    let entries = images.map((url, i) => ({ index: i + 1, ...fakeAnalysis(url) }));
    if (fault === "wrongCount") entries = entries.length > 1 ? entries.slice(0, -1) : [entries[0]!, entries[0]!];
    const text = JSON.stringify({ photos: entries });
    if (fault === "truncated") return text.slice(0, Math.floor(text.length / 2));
    if (fault === "malformed") return `Here is the analysis: ${text.slice(0, 40)}`;
    return text;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, compat: boolean) => {
    const t = now();
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      stats.rejectedAuth++;
      return send(res, 401, JSON.stringify({ error: { message: "Invalid API key", type: "authentication_error" } }), {});
    }
    let parsed: ParsedRequest | string;
    try {
      parsed = parseBody(JSON.parse(raw.toString("utf8")));
    } catch {
      parsed = "body is not valid JSON";
    }
    if (typeof parsed === "string") {
      stats.rejectedInvalid++;
      return send(res, 400, JSON.stringify({ error: { message: parsed, type: "invalid_request_error" } }), {});
    }
    const cost = requestCost(parsed.textChars, parsed.images.length, parsed.maxCompletion);
    const wait = Math.max(requests.waitMs(1, t), tokens.waitMs(cost, t));
    if (wait > 0) {
      stats.rejected429++;
      const retryMs = Number.isFinite(wait) ? Math.ceil(wait) : 60_000;
      return send(res, 429, JSON.stringify({ error: { message: "Rate limit exceeded", type: "rate_limit_error" } }), {
        ...budgetHeaders(t),
        "retry-after": String(Math.ceil(retryMs / 1000)),
        "retry-after-ms": String(retryMs),
      });
    }
    requests.take(1, t);
    tokens.take(cost, t);
    if (!auditReq.record(t, 1) || !auditTok.record(t, cost)) stats.overLimit++;
    window.record(t);
    stats.maxAcceptedPer60s = window.max;
    stats.accepted++;
    stats.images += parsed.images.length;
    stats.tokens += cost;
    const headers = budgetHeaders(t);

    const fault = drawFault();
    if (fault) stats.faults[fault]++;
    if (fault === "hang") return; // answered never; the socket closes when the client aborts
    const delay = logNormal(rng, median, spread);
    const asObject = rng() < 0.5;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (res.destroyed) return;
      if (fault === "serverError") {
        return send(res, 500, JSON.stringify({ error: { message: "Internal server error (injected)", type: "server_error" } }), headers);
      }
      const content = answerText(parsed.images, fault);
      const promptTokens = Math.ceil(parsed.textChars / 4) + parsed.images.length * IMAGE_TOKENS;
      const completionTokens = Math.ceil(content.length / 4);
      const stop = fault === "truncated" ? "length" : "stop";
      let body: unknown;
      if (compat) {
        body = {
          id: `chatcmpl-test-${stats.accepted}`,
          object: "chat.completion",
          model: "test-server",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: stop }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        };
      } else {
        stats.contentShapes[asObject ? "object" : "string"]++;
        body = {
          id: `test-${stats.accepted}`,
          completion_message: { role: "assistant", content: asObject ? { type: "text", text: content } : content, stop_reason: stop },
          metrics: [
            { metric: "num_prompt_tokens", value: promptTokens, unit: "tokens" },
            { metric: "num_completion_tokens", value: completionTokens, unit: "tokens" },
            { metric: "num_total_tokens", value: promptTokens + completionTokens, unit: "tokens" },
          ],
        };
      }
      send(res, 200, JSON.stringify(body), headers);
    }, delay);
    timers.add(timer);
    res.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    stats.received++;
    stats.inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.inFlight);
    res.on("close", () => stats.inFlight--);
    const path = (req.url ?? "").split("?")[0];
    const compat = path === "/compat/v1/chat/completions";
    if (req.method !== "POST" || (!compat && path !== "/v1/chat/completions")) {
      req.resume();
      return send(res, 404, JSON.stringify({ error: { message: `No route ${req.method} ${path}` } }), {});
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks), compat));
  });
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: `${base}/v1`,
    compatUrl: `${base}/compat/v1`,
    port,
    stats: () => ({ ...stats, faults: { ...stats.faults }, contentShapes: { ...stats.contentShapes } }),
    resetStats: () => {
      // A fresh measurement: full budgets, audits and counters from now.
      const t = now();
      const inFlight = stats.inFlight;
      stats = emptyStats();
      stats.inFlight = inFlight;
      requests = new TokenBucket(rpm, burst, t);
      tokens = new TokenBucket(tpm, burst, t);
      auditReq = new BudgetAudit(requests.capacity, requests.perMs);
      auditTok = new BudgetAudit(tokens.capacity, tokens.perMs);
      window = new WindowMax();
    },
    setFaults: (f) => {
      faults = { ...faults, ...f };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
