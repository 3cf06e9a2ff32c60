// Test and bench fixtures for the analysis engine: a team, a set and N queued
// photos whose analysis JPEGs (small, generated, distinct) are in storage, as
// the image pipeline would leave them. Content hashes are derived from `salt`
// so separate calls can share storage files or not.
import { createHash, randomUUID } from "node:crypto";
import sharp from "sharp";
import { db } from "@/lib/db";
import { MEASUREMENT_VERSION } from "@/lib/images/measurement-version";
import { storage } from "@/lib/storage";

export function contentHashFor(salt: string, i: number): string {
  return createHash("sha256").update(`${salt}:${i}`).digest("hex");
}

/** A small JPEG (a few KB), distinct for every i: its pixels are derived from a hash of i. */
export async function smallJpeg(i: number, side = 48): Promise<Buffer> {
  const pixels = Buffer.alloc(side * side * 3);
  let block = createHash("sha256").update(`pixels:${i}`).digest();
  for (let o = 0; o < pixels.length; o += block.length) {
    block.copy(pixels, o);
    block = createHash("sha256").update(block).digest();
  }
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

/**
 * The sizes the pipeline sends a model (whole Llama 4 tiles, ADR 011) for the
 * usual shapes of camera and phone photos: 4:3, 3:4, 3:2 and square.
 */
export const REALISTIC_SIZES: readonly { width: number; height: number }[] = [
  { width: 896, height: 672 },
  { width: 672, height: 896 },
  { width: 1008, height: 672 },
  { width: 672, height: 672 },
];

/** An analysis JPEG of a real size, distinct for every i (a flat colour from a hash of i: small to store and send). */
export async function sizedJpeg(i: number, size: { width: number; height: number }): Promise<Buffer> {
  const h = createHash("sha256").update(`colour:${i}`).digest();
  return sharp({ create: { width: size.width, height: size.height, channels: 3, background: { r: h[0] as number, g: h[1] as number, b: h[2] as number } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * Writes the analysis JPEGs for hashes 0..n-1 of `salt` (skips those already
 * stored): 48 px squares by default, or with `realistic` the sizes a real
 * photo is sent at, cycling through REALISTIC_SIZES, so a provider that bills
 * images by their tiles bills them as it would real photos.
 */
export async function storeAnalysisImages(salt: string, n: number, opts: { realistic?: boolean } = {}): Promise<void> {
  const s = storage();
  const todo = Array.from({ length: n }, (_, i) => i);
  const work = async () => {
    for (let i = todo.shift(); i !== undefined; i = todo.shift()) {
      const hash = contentHashFor(salt, i);
      if (await s.has(hash, "analysis")) continue;
      await s.put(hash, "analysis", opts.realistic ? await sizedJpeg(i, REALISTIC_SIZES[i % REALISTIC_SIZES.length] as { width: number; height: number }) : await smallJpeg(i));
    }
  };
  await Promise.all([work(), work(), work(), work()]);
}

export interface Seeded {
  teamId: string;
  setId: string;
  userId: string;
  photoIds: string[];
}

/** A new team + set with n QUEUED photos (content hashes of `salt`, 0..n-1). */
export async function seedQueuedSet(salt: string, n: number, opts: { teamId?: string; userId?: string; name?: string } = {}): Promise<Seeded> {
  const client = db();
  const userId =
    opts.userId ??
    (await client.user.create({ data: { email: `bench-${randomUUID()}@example.test`, name: "Bench", passwordHash: "x" } })).id;
  const teamId = opts.teamId ?? (await client.team.create({ data: { name: `Bench ${salt}` } })).id;
  const set = await client.photoSet.create({ data: { teamId, name: opts.name ?? `Set ${salt}`, createdById: userId } });
  const rows = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    setId: set.id,
    teamId,
    contentHash: contentHashFor(salt, i),
    originalName: `photo-${i}.jpg`,
    mimeType: "image/jpeg",
    sizeBytes: 1000,
    state: "QUEUED" as const,
    preparedAt: new Date(),
    measuredVersion: MEASUREMENT_VERSION,
    width: 64,
    height: 64,
    sharpness: 500,
    brightness: 0.5,
  }));
  for (let i = 0; i < rows.length; i += 1000) await client.photo.createMany({ data: rows.slice(i, i + 1000) });
  return { teamId, setId: set.id, userId, photoIds: rows.map((r) => r.id) };
}
