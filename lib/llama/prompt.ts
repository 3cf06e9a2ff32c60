// The one prompt and the one JSON schema for a batch of photos, and the parser
// that checks every answer against the zod schema in types.ts. Nothing is
// clamped or repaired: an invalid entry is an { ok:false } outcome for its photo.
import { createHash } from "node:crypto";
import { z } from "zod";
import { ProviderError } from "./errors";
import { CATEGORIES, INSTAGRAM_RATIOS, PROBLEMS, aiAnalysisSchema, type AiAnalysis } from "./types";
import type { PhotoInput, PhotoOutcome } from "./provider";

export function buildPrompt(count: number): string {
  const which = count === 1 ? "one photo" : `${count} photos, numbered 1 to ${count} in the order they are attached`;
  return [
    `You are a photo editor preparing pictures for Instagram. You are given ${which}.`,
    `Answer with JSON only: {"photos": [...]} with exactly ${count} ${count === 1 ? "entry" : "entries"}, one per photo, each with "index" (the photo's number, 1 to ${count}) and:`,
    `- description: what the photo shows, one or two sentences.`,
    `- category: one of ${CATEGORIES.join(", ")}.`,
    `- tags: up to 20 short keywords.`,
    `- quality: {score 0-10 for technical quality (focus, exposure, noise, composition), reason}.`,
    `- instagram: {score 0-10 for how well it would do on Instagram, reason}.`,
    `- caption: an engaging Instagram caption, no hashtags in it.`,
    `- hashtags: up to 30 relevant hashtags, letters, digits and underscores only.`,
    `- altText: a description for people who cannot see the image.`,
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

/** Removes what structured-output endpoints commonly reject: the $schema marker and regex patterns (zod still checks them). */
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
  schemaCache.set(count, json);
  return json;
}

/** Changes whenever the prompt or the schema changes, so cached analyses from an older prompt are not reused. */
export const PROMPT_VERSION = `p1-${createHash("sha256")
  .update(buildPrompt(2))
  .update(JSON.stringify(batchJsonSchema(2)))
  .digest("hex")
  .slice(0, 10)}`;

const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

function issuesText(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

const normaliseHashtag = (h: string) => (h.startsWith("#") ? h : `#${h}`);

/**
 * Turns the model's text into one outcome per photo, in input order. Throws
 * ProviderError("invalid_answer") when the text is not a JSON object with a
 * `photos` array at all (the whole request is retried); a missing, duplicated
 * or invalid entry fails only its photo.
 */
export function parseBatchAnswer(text: string, batch: readonly PhotoInput[]): PhotoOutcome[] {
  const trimmed = text.trim();
  const body = fence.exec(trimmed)?.[1] ?? trimmed;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new ProviderError("invalid_answer", `The model's answer is not valid JSON (${trimmed.length} characters).`);
  }
  const photos = (data as { photos?: unknown } | null)?.photos;
  if (!Array.isArray(photos)) {
    throw new ProviderError("invalid_answer", 'The model\'s answer has no "photos" array.');
  }
  const byIndex = new Map<number, unknown[]>();
  for (const entry of photos) {
    const index = (entry as { index?: unknown } | null)?.index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 1 || index > batch.length) continue;
    byIndex.set(index, [...(byIndex.get(index) ?? []), entry]);
  }
  return batch.map((photo, i): PhotoOutcome => {
    const entries = byIndex.get(i + 1) ?? [];
    if (entries.length === 0) {
      return { photoId: photo.id, ok: false, error: `The model gave no answer for photo ${i + 1} of ${batch.length}.` };
    }
    if (entries.length > 1) {
      return { photoId: photo.id, ok: false, error: `The model answered photo ${i + 1} of ${batch.length} ${entries.length} times.` };
    }
    const parsed = aiAnalysisSchema.safeParse(entries[0]);
    if (!parsed.success) {
      return { photoId: photo.id, ok: false, error: `Invalid answer for photo ${i + 1}: ${issuesText(parsed.error)}` };
    }
    const analysis: AiAnalysis = { ...parsed.data, hashtags: parsed.data.hashtags.map(normaliseHashtag) };
    return { photoId: photo.id, ok: true, analysis: { source: "ai", ...analysis } };
  });
}

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
