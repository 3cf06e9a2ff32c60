// Reading a whole request body with a ceiling. Content-Length cannot be
// trusted to bound it (a chunked body has none), so the bytes are counted as
// they arrive and reading stops at the limit: an oversized body costs the
// server at most `maxBytes` of memory, and the rest of it is never read (the
// 413 closes the connection: lib/http.ts errorResponse).
import { AppError } from "@/lib/errors";

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}

export function bodyTooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${size(maxBytes)}.`);
}

/** The body's bytes, or a 413 as soon as more than `maxBytes` arrive (or are announced). */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw bodyTooLarge(maxBytes);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop pulling without cancelling: cancelling destroys the request,
      // and with it the socket the 413 has to go out on.
      reader.releaseLock();
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
