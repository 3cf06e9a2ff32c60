// The one HTTP client for model APIs: undici with a dedicated keep-alive pool.
// The analysis loop keeps ~100 requests in flight; the pool allows 256
// connections per origin so none of them queue behind another (ADR 002).
import { Agent, request } from "undici";
import { ProviderError } from "./errors";

const agent = new Agent({
  connections: 256,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 120_000,
  connect: { timeout: 15_000 },
  // The caller's AbortSignal (the scheduler's watchdog: 3x the latency measured for the
  // batch's size, within fast_timeout..timeout) is the only clock on a request.
  headersTimeout: 0,
  bodyTimeout: 0,
});

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  latencyMs: number;
}

function abortError(signal: AbortSignal, url: string, cause: unknown): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    // The watchdog's reason says how long it waited ("no answer within 42 s").
    return new ProviderError("timeout", `No answer from ${new URL(url).host}: ${reason.message} (3x the latency measured for this batch size, within fast_timeout..timeout).`, { cause });
  }
  // Cancelled by the caller (pause, shutdown): not a provider failure.
  return reason ?? cause;
}

/** POSTs JSON and returns the answer whatever its status; throws only for network failures and aborts. */
export async function postJson(url: string, body: unknown, opts: { apiKey?: string; signal: AbortSignal }): Promise<RawAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.signal.aborted) throw abortError(opts.signal, url, undefined);
  try {
    const res = await request(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: opts.signal,
      dispatcher: agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, latencyMs: performance.now() - started };
  } catch (err) {
    if (opts.signal.aborted) throw abortError(opts.signal, url, err);
    const code = (err as { code?: string }).code ?? (err as Error).name;
    throw new ProviderError("network", `Could not reach ${new URL(url).host} (${code}): ${(err as Error).message}`, { cause: err });
  }
}
