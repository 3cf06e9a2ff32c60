// Requests the app server (lib/cli/serve.ts) answers before Next's request
// pipeline. The handler is registered from inside Next (instrumentation.ts) so
// it runs in the same module instances as the route handlers - one database
// client, one progress cache, one album-refresh scheduler per process - and the
// server finds it through a process-wide symbol. Keep this file free of
// imports: the server loads it outside Next's bundle.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Answers the request and returns true, or returns false at once and Next answers it. */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

const KEY = Symbol.for("instaorganizer.fastRoute");
const registry = globalThis as unknown as Record<typeof KEY, FastRoute | undefined>;

export function registerFastRoute(route: FastRoute): void {
  registry[KEY] = route;
}

export function fastRoute(): FastRoute | undefined {
  return registry[KEY];
}
