// npm start - the production app server: the built Next.js app (.next) behind
// a plain Node HTTP server that first offers each request to the fast route
// registered from inside Next (the dashboard's progress poll; see
// lib/server/from-next.ts and docs/decisions/009-progress-poll-fast-path.md).
// Everything else, and every request until Next has registered it, is Next's.
// SIGTERM/SIGINT stop the in-process workers cleanly before the process exits.
// Slow clients are cut by progress, not by a deadline (lib/server/slow-clients.ts).
//   tsx lib/server/serve.ts [--port 3000] [--hostname 127.0.0.1]
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { getEnv } from "@/lib/env";
import { fastRoute, shutdownHook } from "@/lib/server/from-next";
import { hstsHeader } from "@/lib/server/hsts";
import { guardSlowClients, serverTimeoutOptions } from "@/lib/server/slow-clients";

/** How long SIGTERM waits for the workers to hand back their photos (Docker's own grace is 10 s). */
const SHUTDOWN_GRACE_MS = 8000;

const root = path.resolve(import.meta.dirname, "../..");

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Not a port: ${values.port ?? process.env.PORT}`);
  // What `next start` sets: the built app, production behaviour.
  Object.assign(process.env, { NODE_ENV: "production" });
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, hostname: values.hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const env = getEnv();
  const limits = {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_MS,
    bodyMinBytesPerS: env.HTTP_BODY_MIN_RATE,
    bodyWindowMs: env.HTTP_BODY_WINDOW_MS,
  };
  const hsts = hstsHeader();
  const server = createServer(serverTimeoutOptions(limits), (req, res) => {
    if (hsts) res.setHeader(...hsts);
    if (fastRoute()?.(req, res)) return;
    handle(req, res).catch((err: unknown) => {
      console.error("[serve]", err);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  guardSlowClients(server, limits);
  server.listen(port, values.hostname, () => {
    console.log(`> Ready on http://${values.hostname ?? "localhost"}:${port}`);
  });
  // Stop taking requests, let the workers hand back what they hold (leases
  // released at once, not after they run out), then exit with the signal's
  // code as `next start` does. What is not handed back in time is covered by
  // its lease all the same.
  let stopping = false;
  const stop = (signal: NodeJS.Signals, code: number) => () => {
    if (stopping) return;
    stopping = true;
    console.log(`[serve] ${signal}: stopping the workers...`);
    server.close();
    server.closeIdleConnections();
    const shutdown = shutdownHook()?.().catch((err: unknown) => console.error("[serve] stopping the workers failed", err));
    void Promise.race([shutdown, sleep(SHUTDOWN_GRACE_MS)]).then(() => process.exit(code));
  };
  process.once("SIGINT", stop("SIGINT", 130));
  process.once("SIGTERM", stop("SIGTERM", 143));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
