// The dashboard's progress poll, answered by the app server itself
// (lib/server/serve.ts) instead of Next's request pipeline. Every open dashboard
// asks once a second; on this project's 2-core machines Next spent 4-6 ms of
// CPU on each request before our handler ran (bench:progress, a constant
// route: p99 120-230 ms at 100 polls/s), which alone broke the 50 ms p99 the
// dashboard needs. Same gate and same answer as the Next route
// (app/api/teams/[teamId]/sets/[setId]/analysis), which still serves `next dev`
// and anything this does not match. docs/decisions/009-progress-poll-fast-path.md
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookies } from "cookie";
import { sessionFrom } from "@/lib/auth";
import { ensureMigrated } from "@/lib/db";
import { toErrorBody } from "@/lib/errors";
import { dashboardProgress } from "@/lib/runs";
import { requireTeamRoleOf } from "@/lib/teams";
import security from "./security-headers.json";

// no-transform: the answer is ~1 KB, polled every second by every open
// dashboard; gzip saved a few hundred bytes for a CPU cost the profile of
// bench:progress put among the poll's largest.
export const POLL_HEADERS = { "cache-control": "private, no-store, no-transform" };

const HEADERS = {
  "content-security-policy": security.contentSecurityPolicy.join("; "),
  ...Object.fromEntries(Object.entries(security.headers).map(([k, v]) => [k.toLowerCase(), v])),
  ...POLL_HEADERS,
  "content-type": "application/json",
};

const PATH = /^\/api\/teams\/([^/]+)\/sets\/([^/]+)\/analysis$/;

/** The poll's team and set when `method url` is a progress poll, else null (Next answers it). */
export function progressPollParams(method: string | undefined, url: string | undefined): { teamId: string; setId: string } | null {
  if (method !== "GET" || !url) return null;
  const q = url.indexOf("?");
  const m = PATH.exec(q < 0 ? url : url.slice(0, q));
  if (!m) return null;
  try {
    return { teamId: decodeURIComponent(m[1]!), setId: decodeURIComponent(m[2]!) };
  } catch {
    return null; // malformed escapes: let Next give its usual answer
  }
}

async function serveProgressPoll(req: IncomingMessage, res: ServerResponse, params: { teamId: string; setId: string }): Promise<void> {
  let status = 200;
  let body: unknown;
  try {
    await ensureMigrated();
    const session = await sessionFrom(parseCookies(req.headers.cookie ?? "") as Record<string, string>);
    await requireTeamRoleOf(session, params.teamId, "VIEWER");
    body = await dashboardProgress(params.teamId, params.setId);
  } catch (err) {
    ({ status, body } = toErrorBody(err));
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { ...HEADERS, "content-length": Buffer.byteLength(json) });
  res.end(json);
}

/** The fast route lib/server/serve.ts asks first: true when it took the request. */
export function answerProgressPoll(req: IncomingMessage, res: ServerResponse): boolean {
  const params = progressPollParams(req.method, req.url);
  if (!params) return false;
  serveProgressPoll(req, res, params).catch((err: unknown) => {
    // Only writing can fail here (the client went away); nothing to answer.
    console.error("[progress-poll]", err);
    res.destroy();
  });
  return true;
}
