// Route-handler plumbing: every API route is `export const POST = route(async (req, params) => ...)`.
// It parses nothing itself; it guarantees the database is migrated, refuses
// cross-site state changes, and maps every error in one place (lib/errors).
import { NextResponse, type NextRequest } from "next/server";
import type { ZodType } from "zod";
import { ensureMigrated } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, badRequest, toErrorBody } from "@/lib/errors";
import { readBodyLimited } from "@/lib/request-body";

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

export function route<P extends Params = Params>(
  fn: (req: NextRequest, params: P) => Promise<Response | object | null>,
) {
  return async (req: NextRequest, ctx: { params: Promise<P> }): Promise<Response> => {
    try {
      assertSameOrigin(req);
      await ensureMigrated();
      const result = await fn(req, await ctx.params);
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
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
