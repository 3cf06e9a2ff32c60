// A stored file as an HTTP answer. Files are content-addressed, so they never
// change: clients may cache them for good (private: they are team data).
import { Readable } from "node:stream";
import { storage, type FileKind } from "@/lib/storage";

export async function fileResponse(
  hash: string,
  kind: FileKind,
  contentType: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  const s = storage();
  const size = await s.size(hash, kind); // 404 AppError when missing
  const body = Readable.toWeb(s.stream(hash, kind) as Readable) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-length": String(size),
      "cache-control": "private, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      ...extra,
    },
  });
}

/** Content-Disposition with the original name, safely encoded (RFC 6266 / 5987). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
