// Route-handler plumbing: every API route is `export const POST = route(...)`.
// It guarantees the database is migrated, refuses cross-site state changes, and
// maps every error in one place (lib/errors). A team-scoped route names the
// role it needs and its ids, and the wrapper runs the gate and validates them
// before the handler runs, so no handler can forget either:
//   export const DELETE = route({ role: "MEMBER", params: { albumId: id } }, async (req, { params, team, user }) => ...)
// Public and account routes pass the handler alone: route(async (req, params) => ...).
import { NextResponse, type NextRequest } from "next/server";
import { z, type ZodType } from "zod";
import { ensureMigrated, type Role } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, badRequest, toErrorBody } from "@/lib/errors";
import { readBodyLimited } from "@/lib/request-body";
import { requireTeamRole, type TeamAccess } from "@/lib/teams";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const MAX_JSON_BYTES = 1024 * 1024;

export function assertSameOrigin(req: Request): void {
  if (SAFE.has(req.method)) return;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "Cross-site requests may not change anything.");
  }
  if (!origin) return; // non-browser clients; browsers always send Origin on POST/PUT/PATCH/DELETE
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "Cross-site requests may not change anything.");
  }
  if (originHost !== host) throw new AppError("forbidden", "Cross-site requests may not change anything.");
}

export function errorResponse(err: unknown): NextResponse {
  const { status, body } = toErrorBody(err);
  // A 413 leaves the rest of the body unread: closing the connection after
  // the answer is what stops the client's bytes from being taken in at all.
  return NextResponse.json(body, { status, headers: status === 413 ? { connection: "close" } : undefined });
}

type Params = Record<string, string>;
type Result = Promise<Response | object | null>;
type Handler = (req: NextRequest, ctx: { params: Promise<Params> }) => Promise<Response>;

/** A record id in a URL (cuid): anything else is a plain 404, as a missing record is. */
export const id = z.string().min(1).max(40);

type IdShape = Record<string, ZodType<string>>;

export interface TeamRoute<S extends IdShape> {
  /** The least role that may call the route (lib/teams/roles.ts). */
  role: Role;
  /** The route's ids besides teamId, e.g. { setId: id }. */
  params?: S;
}

export type TeamRouteContext<S extends IdShape> = TeamAccess & {
  params: { teamId: string } & { [K in keyof S]: z.infer<S[K]> };
};

/** A public or account route: the handler reads its own session. */
export function route<P extends Params = Params>(fn: (req: NextRequest, params: P) => Result): Handler;
/** A team-scoped route: the membership gate at `role`, then the ids validated. */
export function route<S extends IdShape = Record<never, ZodType<string>>>(
  opts: TeamRoute<S>,
  fn: (req: NextRequest, ctx: TeamRouteContext<S>) => Result,
): Handler;
export function route(
  optsOrFn: TeamRoute<IdShape> | ((req: NextRequest, params: Params) => Result),
  teamFn?: (req: NextRequest, ctx: TeamRouteContext<IdShape>) => Result,
): Handler {
  const run: (req: NextRequest, params: Params) => Result =
    typeof optsOrFn === "function" ? optsOrFn : teamHandler(optsOrFn, teamFn!);
  return async (req, ctx) => {
    try {
      assertSameOrigin(req);
      await ensureMigrated();
      const result = await run(req, await ctx.params);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function teamHandler(opts: TeamRoute<IdShape>, fn: (req: NextRequest, ctx: TeamRouteContext<IdShape>) => Result) {
  const schema = z.object({ teamId: id, ...opts.params });
  return async (req: NextRequest, raw: Params) => {
    // The gate first: signed out is 401 and another team's data 404 whatever the ids say.
    const access = await requireTeamRole(raw.teamId ?? "", opts.role);
    const params = parseParams(schema, raw) as TeamRouteContext<IdShape>["params"];
    return fn(req, { ...access, params: { ...params, teamId: access.team.id } });
  };
}

/** Reads and validates a JSON body; oversized or malformed bodies are a 4xx with a reason. */
export async function readJson<T>(req: Request, schema: ZodType<T>): Promise<T> {
  const text = new TextDecoder().decode(await readBodyLimited(req, MAX_JSON_BYTES));
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  return schema.parse(data);
}

/** Validates route or query parameters; a malformed id is a plain 404, as a missing one is. */
export function parseParams<T>(schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError("not_found", "Not found");
  return r.data;
}

/** The app's public origin for links we hand out (invitations, shares): NEXTAUTH_URL when set. */
export function publicOrigin(req: { nextUrl: URL }): string {
  const configured = getEnv().NEXTAUTH_URL;
  return configured ? new URL(configured).origin : req.nextUrl.origin;
}
