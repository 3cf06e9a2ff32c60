// Timeouts of the app server (lib/server/serve.ts) against clients that hold a
// connection without finishing their request. Uploads are large and may come
// over slow links, so no fixed deadline can tell a slow upload from an attack;
// what can is progress. The rules:
// - headers: the whole header block within HTTP_HEADERS_TIMEOUT_MS (408);
// - body: while a request body is being received and the server is reading
//   it, at least HTTP_BODY_MIN_RATE bytes/s over every HTTP_BODY_WINDOW_MS,
//   or the connection is closed. A stalled upload, or one trickling a byte now
//   and then (the probe: a byte every 5 s was held 314 s), goes; a slow but
//   moving one does not. Windows in which the server itself stopped reading
//   (backpressure: the handler is busy) are not held against the client;
// - idle: no byte in either direction for HTTP_IDLE_TIMEOUT_MS (a client that
//   stops reading its answer, a silent keep-alive socket);
// - a backstop on the whole request, HTTP_REQUEST_TIMEOUT_MS (0: none).
import type { IncomingMessage, Server, ServerOptions } from "node:http";

export interface SlowClientLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  bodyMinBytesPerS: number;
  bodyWindowMs: number;
}

/** Options for http.createServer: Node checks its header and request deadlines itself. */
export function serverTimeoutOptions(l: SlowClientLimits): ServerOptions {
  const deadlines = [l.headersTimeoutMs, l.requestTimeoutMs].filter((ms) => ms > 0);
  return {
    // Node refuses a header deadline longer than the request's.
    headersTimeout: l.requestTimeoutMs > 0 ? Math.min(l.headersTimeoutMs, l.requestTimeoutMs) : l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    // Node looks at those deadlines only this often (30 s by default, which
    // is how never-ending headers lasted 74 s against a 60 s limit).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, ...deadlines.map((ms) => ms / 4))),
  };
}

/** Installs the idle timeout and the body-progress check on the server. */
export function guardSlowClients(server: Server, l: SlowClientLimits): void {
  server.setTimeout(l.idleTimeoutMs); // with no 'timeout' listener Node destroys the socket
  if (l.bodyMinBytesPerS <= 0) return;
  const minBytes = (l.bodyMinBytesPerS * l.bodyWindowMs) / 1000;
  const step = l.bodyWindowMs / SAMPLES_PER_WINDOW;
  server.on("request", (req: IncomingMessage) => {
    if (req.complete || !hasBody(req)) return;
    const socket = req.socket;
    let last = { bytes: socket.bytesRead, paused: socket.isPaused() };
    let judgedMs = 0;
    let judgedBytes = 0;
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) return stop();
      const now = { bytes: socket.bytesRead, paused: socket.isPaused() };
      // Only stretches in which the server was taking bytes all along count:
      // while the socket is paused (the handler has not read what it has)
      // the client cannot send, whatever its speed.
      if (!last.paused && !now.paused) {
        judgedMs += step;
        judgedBytes += now.bytes - last.bytes;
      }
      last = now;
      if (judgedMs < l.bodyWindowMs) return;
      if (judgedBytes < minBytes) {
        stop();
        socket.destroy();
      }
      judgedMs = 0;
      judgedBytes = 0;
    }, step);
    timer.unref();
    const stop = () => clearInterval(timer);
    req.once("end", stop);
    req.once("close", stop);
  });
}

const SAMPLES_PER_WINDOW = 5;

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}
