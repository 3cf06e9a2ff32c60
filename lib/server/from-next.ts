// What the code running inside Next hands to the app server (lib/server/serve.ts):
// the fast route it answers before Next's request pipeline (the dashboard's
// progress poll, docs/decisions/009) and the shutdown of the background
// workers. Registered from instrumentation.ts so they run in the same module
// instances as the route handlers - one Prisma client, one progress cache, one
// album-refresh scheduler per process - and found by the server through
// process-wide symbols. Keep this file free of imports: the server loads it
// outside Next's bundle.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Answers the request and returns true, or returns false at once and Next answers it. */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean;
/** Stops background work, handing back to the queue whatever it held. */
export type Shutdown = () => Promise<void>;

const FAST_ROUTE = Symbol.for("instaorganizer.fastRoute");
const SHUTDOWN = Symbol.for("instaorganizer.shutdown");
const registry = globalThis as unknown as { [FAST_ROUTE]?: FastRoute; [SHUTDOWN]?: Shutdown };

export function registerFastRoute(route: FastRoute): void {
  registry[FAST_ROUTE] = route;
}

export function fastRoute(): FastRoute | undefined {
  return registry[FAST_ROUTE];
}

export function registerShutdown(shutdown: Shutdown): void {
  registry[SHUTDOWN] = shutdown;
}

export function shutdownHook(): Shutdown | undefined {
  return registry[SHUTDOWN];
}
