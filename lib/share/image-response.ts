// Serves a stored derived image (thumbnail or preview) of a shared photo.
// Short private caching only: a revoked link must stop working soon.
import { Readable } from "node:stream";
import { storage } from "@/lib/storage";

export type SharedImageKind = "thumb" | "preview";

export async function sharedImageResponse(contentHash: string, kind: SharedImageKind): Promise<Response> {
  const s = storage();
  const size = await s.size(contentHash, kind); // 404 AppError when it is not there (yet)
  const body = Readable.toWeb(s.stream(contentHash, kind) as Readable) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "image/webp",
      "content-length": String(size),
      "cache-control": "private, max-age=60",
      "x-content-type-options": "nosniff",
    },
  });
}
