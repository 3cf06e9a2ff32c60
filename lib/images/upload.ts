// Uploads into a set: which files the set already holds (existingHashes), and a
// multipart/form-data upload request -> ingestFile for each file part, read
// straight off the request's body stream with busboy (nothing buffered whole).
import busboy from "busboy";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, toErrorBody, type ErrorCode } from "@/lib/errors";
import { getSetOr404 } from "@/lib/sets";
import { ingestFile, recordOtherNames } from "./ingest";

export type UploadResult =
  | { name: string; ok: true; photoId: string; duplicate: boolean }
  | { name: string; ok: false; status: number; code: ErrorCode; message: string };

const MAX_FILES_PER_REQUEST = 500;
// The uploader sends only file parts. Text fields are ignored, but busboy
// holds each in memory up to fieldSize (1 MB by default, 50 of them allowed
// before): a few small ones are tolerated, anything more is refused.
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 1024;

export async function receiveUpload(req: Request, target: { teamId: string; setId: string }): Promise<UploadResult[]> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("unsupported_media_type", "Send the photos as multipart/form-data.");
  }
  if (!req.body) throw new AppError("bad_request", "The upload has no body.");
  const maxBytes = getEnv().MAX_UPLOAD_BYTES;
  let parser: busboy.Busboy;
  try {
    // fileSize one byte over the limit: busboy truncates there and ingestFile
    // sees that the file was larger than allowed.
    parser = busboy({
      headers: { "content-type": contentType },
      limits: {
        fileSize: maxBytes + 1,
        files: MAX_FILES_PER_REQUEST,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        fieldNameSize: 200,
        parts: MAX_FILES_PER_REQUEST + MAX_FIELDS,
        headerPairs: 20,
      },
      defParamCharset: "utf8",
    });
  } catch {
    throw new AppError("bad_request", "The multipart body is malformed (missing boundary).");
  }

  const results: Promise<UploadResult>[] = [];
  // A "name" field just before a file names it exactly: browsers escape '"'
  // in a part's filename as %22 (and CR/LF), which cannot be told apart from
  // a name that really holds "%22". Without the field the part's filename is used.
  let namedNext: string | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    parser.on("field", (field, value: string) => {
      if (field === "name") namedNext = value;
    });
    parser.on("file", (_field, file, info) => {
      const name = namedNext || info.filename || "unnamed";
      namedNext = undefined;
      results.push(
        ingestFile({ ...target, originalName: name, stream: file, maxBytes }).then(
          (r): UploadResult => ({ name, ok: true, ...r }),
          (err: unknown): UploadResult => {
            file.resume(); // a refused file's remaining bytes are drained, not parsed
            const { status, body } = toErrorBody(err);
            return { name, ok: false, status, code: body.error.code, message: body.error.message };
          },
        ),
      );
    });
    parser.on("field", (name, _value, info) => {
      if (info.nameTruncated || info.valueTruncated) {
        reject(new AppError("payload_too_large", `Form field "${name.slice(0, 50)}" is too long: the upload takes files, and text fields of at most ${MAX_FIELD_BYTES} bytes.`));
      }
    });
    parser.on("filesLimit", () => reject(new AppError("payload_too_large", `At most ${MAX_FILES_PER_REQUEST} files per request.`)));
    parser.on("fieldsLimit", () => reject(new AppError("payload_too_large", `At most ${MAX_FIELDS} text fields per request.`)));
    parser.on("partsLimit", () => reject(new AppError("payload_too_large", `At most ${MAX_FILES_PER_REQUEST + MAX_FIELDS} parts per request.`)));
    parser.on("error", (err: Error) => reject(new AppError("bad_request", `The upload was cut off or malformed (${err.message}).`)));
    parser.on("close", () => resolve());
  });
  // pipeline() so a dropped connection errors the parser (and the file being written) instead of hanging.
  const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
  await Promise.all([
    pipeline(body, parser).catch((err: unknown) => {
      throw err instanceof AppError ? err : new AppError("bad_request", "The upload was cut off before it finished.");
    }),
    finished,
  ]);
  const all = await Promise.all(results);
  if (all.length === 0) throw new AppError("bad_request", "The upload contained no files.");
  return all;
}

/**
 * Which of these content hashes the set already holds, so a client re-sends
 * only the rest. With names (names[i] is the file hashes[i] came from), a file
 * the set already holds under another name adds that name to the photo: a copy
 * with the same bytes is not sent, but its name is kept.
 */
export async function existingHashes(teamId: string, setId: string, hashes: string[], names?: string[]): Promise<string[]> {
  await getSetOr404(teamId, setId);
  const rows = await db().photo.findMany({
    where: { setId, teamId, contentHash: { in: hashes } },
    select: { contentHash: true },
  });
  const existing = new Set(rows.map((r) => r.contentHash));
  if (names) {
    await recordOtherNames(
      setId,
      hashes.flatMap((contentHash, i) => (existing.has(contentHash) && names[i] ? [{ contentHash, name: names[i] }] : [])),
    );
  }
  return [...existing];
}

export const hashesBody = z
  .object({
    hashes: z.array(z.string().regex(/^[0-9a-f]{64}$/, "not a SHA-256 hex digest")).max(1000),
    names: z.array(z.string().min(1).max(1000)).max(1000).optional(),
  })
  .refine((b) => !b.names || b.names.length === b.hashes.length, { message: "names must name each hash", path: ["names"] });
