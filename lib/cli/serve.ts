// npm start - the production app server: the built Next.js app (.next) behind
// a plain Node HTTP server that first offers each request to the fast route
// registered from inside Next (the dashboard's progress poll; see
// lib/server/fast-routes.ts and docs/decisions/009-progress-poll-fast-path.md).
// Everything else, and every request until Next has registered it, is Next's.
//   tsx lib/cli/serve.ts [--port 3000] [--hostname 127.0.0.1]
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { fastRoute } from "@/lib/server/fast-routes";

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

  const server = createServer((req, res) => {
    if (fastRoute()?.(req, res)) return;
    handle(req, res).catch((err: unknown) => {
      console.error("[serve]", err);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.listen(port, values.hostname, () => {
    console.log(`> Ready on http://${values.hostname ?? "localhost"}:${port}`);
  });
  // As `next start`: stop taking requests and exit with the signal's code.
  const stop = (code: number) => () => {
    server.close();
    server.closeIdleConnections();
    process.exit(code);
  };
  process.once("SIGINT", stop(130));
  process.once("SIGTERM", stop(143));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
