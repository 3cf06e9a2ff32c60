// A local HTTP server speaking the Llama API protocol, for tests and benchmarks
// only (a TEST DOUBLE: its "analyses" are derived from image hashes). It behaves
// like a hosted model where that costs the client something: request and token
// budgets with reservations and refunds, image tokens by Llama 4's tiling of the
// real image size, latency that grows with the prompt and the answer, a capacity
// beyond which every request slows down, answers valid under the request's JSON
// Schema yet imperfect, injected faults; and it audits itself.
//
// Endpoints: POST /v1/chat/completions (native Llama shape) and
//            POST /compat/v1/chat/completions (OpenAI shape).
// Tokens of a request:
//   prompt  = ceil(text characters / 4) + image tokens (tiling of each image's size, or IMAGE_TOKENS flat)
//   reserve = prompt + max_completion_tokens (or max_tokens; DEFAULT_MAX_COMPLETION when absent): must fit to be admitted
//   charge  = prompt + the answer's tokens ("refund", the default) or the reserve ("max")
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fakeAnalysis, type ImageSize } from "./answers";
import { BudgetAudit, WindowMax } from "./audit";
import { ReservingBucket, TokenBucket } from "./bucket";
import { imageTokens, type ImageTokenMode } from "./images";
import { AnswerShaper, IMPERFECTION_KINDS, type ImperfectionKind } from "./imperfect";
import { DEFAULT_LATENCY, ProcessorSharing, expectedLatencyMs, type LatencyParams } from "./latency";
import { createRng, logNormal } from "./rng";

/** The answer budget when a request names none (a real endpoint has some limit too). */
export const DEFAULT_MAX_COMPLETION = 4096;

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

export type LatencyModel = "fixed" | "tokens";
export type CompletionCharge = "refund" | "max";

export interface LlamaServerOptions {
  /** Requests per minute (default 3000). */
  rpm?: number;
  /** Tokens per minute (default 100,000,000, as the client's default budget). */
  tpm?: number;
  /** Seconds of budget that may be spent at once (default 2). */
  burstSeconds?: number;
  /**
   * "tokens": ttftMs + prompt tokens / prefillTokensPerS + answer tokens / decodeTokensPerS,
   * jittered by latencyJitter. "fixed": log-normal around latencyMedianMs whatever the answer.
   * Default: "fixed" when latencyMedianMs is given (the tests that pin a latency), else "tokens".
   */
  latencyModel?: LatencyModel;
  /** Median of the "fixed" model (default 1500). */
  latencyMedianMs?: number;
  /** Sigma of the "fixed" model's log-normal latency (default 0.3; 0 = always the median). */
  latencySpread?: number;
  /** "tokens" model (defaults in latency.ts DEFAULT_LATENCY: 300 ms, 8000/s, 150/s, sigma 0.1). */
  ttftMs?: number;
  prefillTokensPerS?: number;
  decodeTokensPerS?: number;
  latencyJitter?: number;
  /** Requests served at full speed at once; beyond it every request in flight slows down in proportion (default unlimited). */
  capacity?: number;
  /** "tiling" (default): Llama 4's tiles of each image's real size; "flat": IMAGE_TOKENS per image. */
  imageTokens?: ImageTokenMode;
  /** "refund" (default): the unused answer budget is given back when the answer is sent; "max": charged in full. */
  completionCharge?: CompletionCharge;
  /** Probability 0..1 per photo entry of a schema-valid but imperfect answer (default 0). */
  imperfect?: number;
  /** Which imperfections (default all of IMPERFECTION_KINDS). */
  imperfectKinds?: readonly ImperfectionKind[];
  faults?: Partial<Faults>;
  seed?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  port?: number;
  /** Clock for the budgets, in ms (tests inject a fake one). Latencies run on real timers. */
  now?: () => number;
}

/** The numbers the server runs with, so a benchmark computes its ceilings from the same ones (latency.ts has the formulas). */
export interface ServerParams {
  rpm: number;
  tpm: number;
  burstSeconds: number;
  latencyModel: LatencyModel;
  latency: LatencyParams;
  latencyMedianMs: number;
  latencySpread: number;
  imageTokens: ImageTokenMode;
  completionCharge: CompletionCharge;
  imperfect: number;
  imperfectKinds: readonly ImperfectionKind[];
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
  /** Images whose size could not be read (charged IMAGE_TOKENS). */
  imagesUnreadable: number;
  /** Tokens charged to the budget (after refunds). */
  tokens: number;
  /** Tokens reserved at admission (prompt + answer budget). */
  tokensReserved: number;
  /** Usage as reported in the answers' metrics / usage. */
  promptTokens: number;
  completionTokens: number;
  /** Answers cut at max_completion_tokens (stop_reason "length") because they were longer. */
  truncatedAtMax: number;
  /** HTTP requests open (any answer). */
  inFlight: number;
  maxConcurrent: number;
  /** Most admitted requests being served at once. */
  maxInFlight: number;
  /** Full-speed service time of the answered requests, summed (the latency model's output before any slow-down). */
  workMs: number;
  /** Admission to answer, ms, of the answered requests. */
  latencyMs: { count: number; p50: number; p99: number; max: number };
  imperfect: { entries: number; byKind: Partial<Record<ImperfectionKind, number>>; dropped: number };
  /** Answers sent that violate the request's JSON Schema (faults aside): must be 0. */
  offSchema: number;
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
  params: ServerParams;
  stats(): ServerStats;
  resetStats(): void;
  setFaults(f: Partial<Faults>): void;
  close(): Promise<void>;
}

interface ParsedRequest {
  images: string[];
  textChars: number;
  maxCompletion: number;
  /** response_format.json_schema.schema, when the request constrains the answer. */
  schema: unknown;
}

/** Light structural check of a chat-completions body; returns a reason on failure. */
function parseBody(body: unknown): ParsedRequest | string {
  if (typeof body !== "object" || body === null) return "body must be a JSON object";
  const b = body as {
    model?: unknown;
    messages?: unknown;
    max_completion_tokens?: unknown;
    max_tokens?: unknown;
    response_format?: { type?: unknown; json_schema?: { schema?: unknown } };
  };
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
  const max = b.max_completion_tokens ?? b.max_tokens ?? DEFAULT_MAX_COMPLETION;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1) return "max_completion_tokens must be a positive integer";
  const schema = b.response_format?.type === "json_schema" ? b.response_format.json_schema?.schema : undefined;
  if (b.response_format?.type === "json_schema" && (typeof schema !== "object" || schema === null)) {
    return "response_format.json_schema.schema must be a JSON Schema object";
  }
  return { images, textChars, maxCompletion: max, schema };
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
    imagesUnreadable: 0,
    tokens: 0,
    tokensReserved: 0,
    promptTokens: 0,
    completionTokens: 0,
    truncatedAtMax: 0,
    inFlight: 0,
    maxConcurrent: 0,
    maxInFlight: 0,
    workMs: 0,
    latencyMs: { count: 0, p50: 0, p99: 0, max: 0 },
    imperfect: { entries: 0, byKind: {}, dropped: 0 },
    offSchema: 0,
    overLimit: 0,
    maxAcceptedPer60s: 0,
  };
}

/** p-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export async function createLlamaServer(opts: LlamaServerOptions = {}): Promise<LlamaServer> {
  const params: ServerParams = {
    rpm: opts.rpm ?? 3000,
    tpm: opts.tpm ?? 100_000_000,
    burstSeconds: opts.burstSeconds ?? 2,
    latencyModel: opts.latencyModel ?? (opts.latencyMedianMs !== undefined ? "fixed" : "tokens"),
    latency: {
      ttftMs: opts.ttftMs ?? DEFAULT_LATENCY.ttftMs,
      prefillTokensPerS: opts.prefillTokensPerS ?? DEFAULT_LATENCY.prefillTokensPerS,
      decodeTokensPerS: opts.decodeTokensPerS ?? DEFAULT_LATENCY.decodeTokensPerS,
      jitter: opts.latencyJitter ?? DEFAULT_LATENCY.jitter,
      capacity: opts.capacity ?? DEFAULT_LATENCY.capacity,
    },
    latencyMedianMs: opts.latencyMedianMs ?? 1500,
    latencySpread: opts.latencySpread ?? 0.3,
    imageTokens: opts.imageTokens ?? "tiling",
    completionCharge: opts.completionCharge ?? "refund",
    imperfect: opts.imperfect ?? 0,
    imperfectKinds: opts.imperfectKinds ?? IMPERFECTION_KINDS,
  };
  const { rpm, tpm, burstSeconds: burst } = params;
  if (!(params.latency.capacity >= 1)) throw new Error("capacity must be at least 1");
  if (!(params.imperfect >= 0 && params.imperfect <= 1)) throw new Error("imperfect must be a probability 0..1");
  const now = opts.now ?? (() => performance.now());
  const rng = createRng(opts.seed ?? 1);
  // Its own stream, so turning imperfect answers on does not change which requests get faults.
  const shaper = new AnswerShaper({ rate: params.imperfect, kinds: params.imperfectKinds }, createRng((opts.seed ?? 1) ^ 0x5eed1));
  const processor = Number.isFinite(params.latency.capacity) ? new ProcessorSharing(params.latency.capacity, () => performance.now()) : undefined;
  let faults: Faults = { serverError: 0, hang: 0, malformed: 0, truncated: 0, wrongCount: 0, ...opts.faults };

  let requests = new TokenBucket(rpm, burst, now());
  let tokens = new ReservingBucket(tpm, burst, now());
  let auditReq = new BudgetAudit(requests.capacity, requests.perMs);
  let auditTok = new BudgetAudit(tokens.capacity, tokens.perMs);
  let window = new WindowMax();
  let stats = emptyStats();
  let latencies: number[] = [];
  let active = 0;
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

  /** The model's text, decided at admission: its length sets both the charge and the latency. */
  const answer = (
    parsed: ParsedRequest,
    sizes: readonly (ImageSize | undefined)[],
    fault: FaultKind | undefined,
  ): { content: string; completionTokens: number; stop: "stop" | "length" } => {
    const shaped = shaper.shape(
      parsed.images.map((url, i) => ({ index: i + 1, ...fakeAnalysis(url, sizes[i]) })),
      parsed.schema,
      (photos) => ({ photos }),
    );
    stats.imperfect.entries += shaped.imperfectEntries;
    stats.imperfect.dropped += shaped.dropped;
    for (const [kind, n] of Object.entries(shaped.applied) as [ImperfectionKind, number][]) {
      stats.imperfect.byKind[kind] = (stats.imperfect.byKind[kind] ?? 0) + n;
    }
    if (shaped.offSchema) stats.offSchema++;
    let entries = shaped.entries;
    if (fault === "wrongCount") entries = entries.length > 1 ? entries.slice(0, -1) : [entries[0]!, entries[0]!];
    const text = JSON.stringify({ photos: entries });
    // Cut off by its answer budget: the model wrote max_completion_tokens and stopped.
    if (fault === "truncated") return { content: text.slice(0, Math.floor(text.length / 2)), completionTokens: parsed.maxCompletion, stop: "length" };
    if (fault === "malformed") {
      const content = `Here is the analysis: ${text.slice(0, 40)}`;
      return { content, completionTokens: Math.ceil(content.length / 4), stop: "stop" };
    }
    const completionTokens = Math.ceil(text.length / 4);
    // A duplicated entry is the fault under test: cutting it at the budget would hide it.
    if (completionTokens > parsed.maxCompletion && fault !== "wrongCount") {
      stats.truncatedAtMax++;
      return { content: text.slice(0, parsed.maxCompletion * 4), completionTokens: parsed.maxCompletion, stop: "length" };
    }
    return { content: text, completionTokens, stop: "stop" };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, compat: boolean) => {
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
    const images = await imageTokens(parsed.images, params.imageTokens);
    if (res.destroyed) return;
    const promptTokens = Math.ceil(parsed.textChars / 4) + images.tokens;
    const reserve = promptTokens + parsed.maxCompletion;
    const t = now();
    const wait = Math.max(requests.waitMs(1, t), tokens.waitMs(reserve, t));
    if (wait > 0) {
      stats.rejected429++;
      const retryMs = Math.ceil(wait);
      return send(res, 429, JSON.stringify({ error: { message: "Rate limit exceeded", type: "rate_limit_error" } }), {
        ...budgetHeaders(t),
        "retry-after": String(Math.ceil(retryMs / 1000)),
        "retry-after-ms": String(retryMs),
      });
    }

    const fault = drawFault();
    if (fault) stats.faults[fault]++;
    const out = fault === "hang" || fault === "serverError" ? undefined : answer(parsed, images.sizes, fault);
    // A failed request produced no answer; one never answered keeps its whole reservation.
    const completionTokens = fault === "hang" ? parsed.maxCompletion : (out?.completionTokens ?? 0);
    const charge = params.completionCharge === "max" ? reserve : promptTokens + completionTokens;
    const hold = reserve - charge;
    const bucket = tokens; // the hold goes back to the budget it was taken from, even across resetStats()
    requests.take(1, t);
    bucket.take(charge, hold, t);
    if (!auditReq.record(t, 1) || !auditTok.record(t, charge)) stats.overLimit++;
    window.record(t);
    stats.maxAcceptedPer60s = window.max;
    stats.accepted++;
    stats.images += parsed.images.length;
    stats.imagesUnreadable += images.unreadable;
    stats.tokens += charge;
    stats.tokensReserved += reserve;
    const headers = budgetHeaders(t);
    active++;
    stats.maxInFlight = Math.max(stats.maxInFlight, active);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      active--;
      bucket.release(hold);
    };
    res.on("close", settle);
    if (fault === "hang") return; // answered never; the socket closes when the client aborts

    const work =
      params.latencyModel === "fixed"
        ? logNormal(rng, params.latencyMedianMs, params.latencySpread)
        : logNormal(rng, expectedLatencyMs(params.latency, promptTokens, out?.completionTokens ?? 0), params.latency.jitter);
    const asObject = rng() < 0.5;
    const startedAt = performance.now();

    const respond = () => {
      if (res.destroyed) return;
      latencies.push(performance.now() - startedAt);
      stats.workMs += work;
      settle();
      if (!out) {
        return send(res, 500, JSON.stringify({ error: { message: "Internal server error (injected)", type: "server_error" } }), headers);
      }
      stats.promptTokens += promptTokens;
      stats.completionTokens += out.completionTokens;
      const usage = { prompt: promptTokens, completion: out.completionTokens };
      let body: unknown;
      if (compat) {
        body = {
          id: `chatcmpl-test-${stats.accepted}`,
          object: "chat.completion",
          model: "test-server",
          choices: [{ index: 0, message: { role: "assistant", content: out.content }, finish_reason: out.stop }],
          usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
        };
      } else {
        stats.contentShapes[asObject ? "object" : "string"]++;
        body = {
          id: `test-${stats.accepted}`,
          completion_message: { role: "assistant", content: asObject ? { type: "text", text: out.content } : out.content, stop_reason: out.stop },
          metrics: [
            { metric: "num_prompt_tokens", value: usage.prompt, unit: "tokens" },
            { metric: "num_completion_tokens", value: usage.completion, unit: "tokens" },
            { metric: "num_total_tokens", value: usage.prompt + usage.completion, unit: "tokens" },
          ],
        };
      }
      send(res, 200, JSON.stringify(body), headers);
    };

    if (processor) {
      const cancel = processor.add(work, respond);
      res.on("close", cancel); // a client that gives up frees its share for the others
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, work);
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
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks), compat).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, JSON.stringify({ error: { message: `test server: ${String(err)}`, type: "server_error" } }), {});
      });
    });
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
    params,
    stats: () => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        ...stats,
        faults: { ...stats.faults },
        contentShapes: { ...stats.contentShapes },
        imperfect: { ...stats.imperfect, byKind: { ...stats.imperfect.byKind } },
        latencyMs: { count: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
      };
    },
    resetStats: () => {
      // A fresh measurement: full budgets, audits and counters from now.
      const t = now();
      const inFlight = stats.inFlight;
      stats = emptyStats();
      stats.inFlight = inFlight;
      stats.maxInFlight = active;
      latencies = [];
      requests = new TokenBucket(rpm, burst, t);
      tokens = new ReservingBucket(tpm, burst, t);
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
        processor?.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
