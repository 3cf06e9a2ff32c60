// The one prompt and the one JSON schema for a batch of photos. The schema is
// the strict contract (types.ts) with every constraint structured-output
// endpoints accept; answers are read leniently and repaired (answer.ts,
// repair.ts). docs/decisions/018-answer-contract.md
import { createHash } from "node:crypto";
import { z } from "zod";
import { CATEGORIES, INSTAGRAM_RATIOS, LIMITS, PROBLEMS, aiAnalysisSchema } from "./types";
import type { PhotoInput } from "./provider";

export function buildPrompt(count: number): string {
  const which = count === 1 ? "one photo" : `${count} photos, numbered 1 to ${count} in the order they are attached`;
  return [
    `You are a photo editor preparing pictures for Instagram. You are given ${which}.`,
    `Answer with JSON only: {"photos": [...]} with exactly ${count} ${count === 1 ? "entry" : "entries"}, one per photo, each with "index" (the photo's number, 1 to ${count}) and:`,
    `- description: what the photo shows, one or two sentences.`,
    `- category: one of ${CATEGORIES.join(", ")}.`,
    `- tags: up to ${LIMITS.tags} short keywords.`,
    `- quality: {score 0-10 for technical quality (focus, exposure, noise, composition), reason}.`,
    `- instagram: {score 0-10 for how well it would do on Instagram, reason}.`,
    `- caption: an engaging Instagram caption of at most ${LIMITS.caption.toLocaleString("en-US")} characters, no hashtags in it.`,
    `- hashtags: at most ${LIMITS.hashtags} relevant hashtags (Instagram allows ${LIMITS.hashtags} per post), each one word of letters, digits and underscores, e.g. "#goldenhour".`,
    `- altText: a short description for people who cannot see the image, about ${LIMITS.altTextAdvised} characters.`,
    `- crops: the best crop for each Instagram ratio ${INSTAGRAM_RATIOS.join(", ")} (width:height in pixels),`,
    `  each {x, y, width, height} as fractions 0-1 of the image, staying inside it.`,
    `- problems: any of ${PROBLEMS.join(", ")} that apply, else [].`,
    `Judge each photo on its own; do not mix details between photos.`,
  ].join("\n");
}

/** An entry of the model's answer: the analysis plus which photo it is about. */
function entrySchema(count: number) {
  return aiAnalysisSchema.extend({ index: z.number().int().min(1).max(count) });
}

/** Removes what structured-output endpoints commonly reject: the $schema marker and regex patterns (the repair step normalises instead). */
function plain(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plain);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema" || k === "pattern") continue;
    out[k] = plain(v);
  }
  return out;
}

/** The cached schema is shared by every request: nothing may change it. */
function deepFreeze(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  Object.freeze(node);
  for (const v of Object.values(node)) deepFreeze(v);
}

// Built once per batch size: z.toJSONSchema costs about a millisecond, which
// would add up at 50 requests a second.
const schemaCache = new Map<number, Readonly<Record<string, unknown>>>();

/** JSON Schema for the answer to a batch of `count` photos: { photos: [exactly count entries] }. */
export function batchJsonSchema(count: number): Readonly<Record<string, unknown>> {
  const cached = schemaCache.get(count);
  if (cached) return cached;
  const schema = z.object({ photos: z.array(entrySchema(count)).min(count).max(count) });
  const json = plain(z.toJSONSchema(schema, { io: "output", unrepresentable: "throw" })) as Record<string, unknown>;
  if (JSON.stringify(json).includes("$ref")) throw new Error("batch JSON schema must not use $ref");
  deepFreeze(json);
  schemaCache.set(count, json);
  return json;
}

/**
 * Changes whenever the prompt or the schema changes, so cached analyses from an
 * older prompt are not reused. The prefix counts changes of how answers are
 * read, which the hash cannot see (p2: answers are repaired, with notes).
 */
export const PROMPT_VERSION = `p2-${createHash("sha256")
  .update(buildPrompt(2))
  .update(JSON.stringify(batchJsonSchema(2)))
  .digest("hex")
  .slice(0, 10)}`;

/** The user message shared by both API shapes: the prompt, then one image item per photo. */
export function userContent(batch: readonly PhotoInput[], prompt: string) {
  return [
    { type: "text" as const, text: prompt },
    ...batch.map((p) => ({
      type: "image_url" as const,
      image_url: { url: `data:image/jpeg;base64,${p.jpeg.toString("base64")}` },
    })),
  ];
}
