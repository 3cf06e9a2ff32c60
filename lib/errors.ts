// One error type for everything a person can act on, and one place that maps
// any thrown value to an HTTP answer (toErrorBody; lib/http.ts sends it).
// Unknown errors are logged and answered with a generic 500 so internals never
// leak. No Next.js import here: the CLI uses these errors without loading Next.
import { ZodError } from "zod";

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "too_many_requests"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export const notFound = (what = "Not found"): AppError => new AppError("not_found", what);
export const badRequest = (message: string, details?: unknown): AppError =>
  new AppError("bad_request", message, details);
export const forbidden = (message = "Your role in this team does not allow this."): AppError =>
  new AppError("forbidden", message);
export const unauthorized = (message = "Sign in to continue."): AppError =>
  new AppError("unauthorized", message);
export const conflict = (message: string): AppError => new AppError("conflict", message);

export function zodMessage(err: ZodError): string {
  return err.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: { error: { code: "bad_request", message: zodMessage(err), details: err.issues } },
    };
  }
  if (err instanceof SyntaxError) {
    return { status: 400, body: { error: { code: "bad_request", message: "The request body is not valid JSON." } } };
  }
  const prismaCode = (err as { code?: unknown } | null)?.code;
  if (prismaCode === "P2002") {
    return { status: 409, body: { error: { code: "conflict", message: "That already exists." } } };
  }
  if (prismaCode === "P2025") {
    return { status: 404, body: { error: { code: "not_found", message: "Not found" } } };
  }
  // PostgreSQL refuses text holding a NUL character (SQLSTATE 22021); it can
  // only come from the request (a path parameter or a JSON string), so it is
  // the caller's mistake, not ours.
  if (postgresCode(err) === "22021") {
    return { status: 400, body: { error: { code: "bad_request", message: "The request contains a NUL character, which cannot be stored." } } };
  }
  console.error("[unhandled]", err);
  return {
    status: 500,
    body: { error: { code: "internal", message: "Something went wrong on our side. Nothing you sent was lost; try again." } },
  };
}

function postgresCode(err: unknown): unknown {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta;
  return meta?.driverAdapterError?.cause?.originalCode;
}
