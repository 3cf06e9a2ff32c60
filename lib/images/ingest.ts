// One uploaded file into the set: streamed to a temp file in storage while its
// SHA-256 is computed (never held in memory whole), refused by content (magic
// bytes) or size, then moved to its content address. The same content in the
// same set is stored once and reported as a duplicate. The file's name is only
// a label: it never becomes part of a path.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { assertRoomFor, assertTeamHasRoom, lockContent, lockTeamQuota, reclaimContent, storage, teamQuotaBytes } from "@/lib/storage";
import { MIME, SNIFF_BYTES, isAccepted, sniffImageType } from "./sniff";
import { notifyUploaded } from "./wake";

export interface IngestInput {
  teamId: string;
  setId: string;
  originalName: string;
  stream?: NodeJS.ReadableStream | Readable;
  buffer?: Buffer;
  /** Defaults to MAX_UPLOAD_BYTES. */
  maxBytes?: number;
}

export interface IngestResult {
  photoId: string;
  duplicate: boolean;
}

export async function ingestFile(input: IngestInput): Promise<IngestResult> {
  const name = displayName(input.originalName);
  const maxBytes = input.maxBytes ?? getEnv().MAX_UPLOAD_BYTES;
  const set = await db().photoSet.findFirst({ where: { id: input.setId, teamId: input.teamId }, select: { id: true } });
  if (!set) {
    // Still consume the bytes so a multipart parser can move on to the next file.
    if (input.stream) (input.stream as Readable).resume();
    throw notFound("Photo set not found");
  }
  try {
    await assertTeamHasRoom(input.teamId, name);
  } catch (err) {
    if (input.stream) (input.stream as Readable).resume();
    throw err;
  }
  const source = input.stream ?? (input.buffer ? Readable.from([input.buffer]) : undefined);
  if (!source) throw new Error("ingestFile: pass a stream or a buffer");

  const tmp = await storage().createTempFile();
  const hash = createHash("sha256");
  let size = 0;
  let head = Buffer.alloc(0);
  let tooLarge = false;
  // Counts, hashes and keeps the first bytes. Past the limit it keeps reading
  // (so the request body stays in step) but writes nothing more.
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
      if (size > maxBytes) {
        tooLarge = true;
        return done();
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source as Readable, meter, createWriteStream(tmp.path));
  } catch (err) {
    await tmp.discard();
    throw err;
  }

  try {
    if (tooLarge) {
      throw new AppError("payload_too_large", `"${name}" is larger than the ${mb(maxBytes)} MB limit per photo.`);
    }
    if (size === 0) throw new AppError("bad_request", `"${name}" is empty.`);
    const type = sniffImageType(head);
    if (type === "heic") {
      throw new AppError("unsupported_media_type", `"${name}" is a HEIC/HEIF photo, which cannot be decoded here; export it as JPEG.`);
    }
    if (!isAccepted(type)) {
      throw new AppError(
        "unsupported_media_type",
        `"${name}" is not a JPEG, PNG, WebP, AVIF, TIFF or GIF image (judged by its content, not its name).`,
      );
    }
    const contentHash = hash.digest("hex");
    const existing = await findInSet(input.setId, contentHash);
    if (existing) {
      await tmp.discard();
      await recordOtherNames(input.setId, [{ contentHash, name }]);
      return { photoId: existing, duplicate: true };
    }
    let stored = false;
    try {
      const photo = await db().$transaction(
        async (tx) => {
          // Quota first, then the content: always in this order (reclaim takes only the content's lock).
          if (teamQuotaBytes() !== null) await lockTeamQuota(tx, input.teamId);
          // Held until the row exists, so a deletion of the same bytes elsewhere
          // cannot remove the file between here and the insert (lib/storage/reclaim.ts).
          await lockContent(tx, contentHash);
          await assertRoomFor(tx, input.teamId, contentHash, size, name);
          // Storage is content-addressed across sets: identical bytes are kept once.
          if (await storage().has(contentHash, "original")) await tmp.discard();
          else {
            await tmp.commit(contentHash, "original");
            stored = true;
          }
          return tx.photo.create({
            data: { setId: input.setId, teamId: input.teamId, contentHash, originalName: name, mimeType: MIME[type], sizeBytes: size },
            select: { id: true },
          });
        },
        { timeout: 30_000, maxWait: 30_000 },
      );
      notifyUploaded();
      return { photoId: photo.id, duplicate: false };
    } catch (err) {
      // The same bytes arrived in a parallel request a moment earlier.
      const raced = (err as { code?: string }).code === "P2002" ? await findInSet(input.setId, contentHash) : null;
      if (raced) {
        await recordOtherNames(input.setId, [{ contentHash, name }]);
        return { photoId: raced, duplicate: true };
      }
      // A file stored for a row that was never written is given back (kept if another row needs it).
      if (stored) await reclaimContent([contentHash]).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    await tmp.discard();
    throw err;
  }
}

/**
 * The same content arrived again under another name ("IMG_1.jpg" and "IMG_1
 * copy.jpg"): the photo is stored once, and each name it came under is kept
 * (Photo.otherNames), so neither is lost. Names already known are not added twice.
 */
export async function recordOtherNames(setId: string, files: { contentHash: string; name: string }[]): Promise<void> {
  if (files.length === 0) return;
  await db().$executeRaw`
    UPDATE "Photo" p SET "otherNames" = array_append(p."otherNames", f.name)
    FROM (SELECT DISTINCT ON (h, n) h AS hash, n AS name
          FROM unnest(${files.map((f) => f.contentHash)}::text[], ${files.map((f) => displayName(f.name))}::text[]) AS t(h, n)) f
    WHERE p."setId" = ${setId} AND p."contentHash" = f.hash
      AND p."originalName" <> f.name AND NOT (f.name = ANY(p."otherNames"))`;
}

async function findInSet(setId: string, contentHash: string): Promise<string | null> {
  const row = await db().photo.findUnique({ where: { setId_contentHash: { setId, contentHash } }, select: { id: true } });
  return row?.id ?? null;
}

/** A label for people: the last path segment, no control characters, at most 255 characters. */
export function displayName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const last = raw.split(/[\\/]/).pop()?.replace(/[\u0000-\u001f\u007f]/g, "").trim() ?? "";
  return (last || "unnamed").slice(0, 255);
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
