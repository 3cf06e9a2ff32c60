// Receives one photo's entry of the model's answer leniently and repairs it
// into the strict contract (aiAnalysisSchema), recording every change. What
// the JSON Schema we send cannot say (a crop inside the image and of its
// ratio in pixels, hashtags without spaces or emoji, text cut at a word) is
// repaired, never a reason to fail the photo; an answer is refused only when
// it lacks what cannot be made up: its text, its scores or a category.
// docs/decisions/018-answer-contract.md
import { z } from "zod";
import { RATIO_VALUE, relativeCrop } from "@/lib/organize/crops";
import { centredCrop } from "./local";
import { CATEGORIES, INSTAGRAM_RATIOS, LIMITS, PROBLEMS, type AiAnalysis, type Category, type CropBox, type InstagramRatio } from "./types";

/** The analysis image's size in pixels (0 when unknown: crops are then only moved inside, not re-fitted). */
export interface ImageSize {
  width: number;
  height: number;
}

export type RepairResult = { ok: true; analysis: AiAnalysis; repairs: string[] } | { ok: false; error: string };

// What must be there and of the right type; everything else is optional here
// and repaired below. Unknown fields are dropped by z.object.
const scoredReceived = z.object({ score: z.number(), reason: z.string() });
const receivedSchema = z.object({
  description: z.string(),
  category: z.string(),
  caption: z.string(),
  altText: z.string(),
  quality: scoredReceived,
  instagram: scoredReceived,
  tags: z.unknown(),
  hashtags: z.unknown(),
  crops: z.unknown(),
  problems: z.unknown(),
});

const boxReceived = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

/** Words models use for our categories; singular/plural forms are matched without this list. */
const CATEGORY_SYNONYMS: Record<string, Category> = {
  selfie: "portrait",
  headshot: "portrait",
  person: "people",
  crowd: "people",
  family: "people",
  friends: "people",
  scenery: "landscape",
  seascape: "landscape",
  mountains: "landscape",
  flowers: "nature",
  plants: "nature",
  outdoors: "nature",
  city: "urban",
  cityscape: "urban",
  street: "urban",
  building: "architecture",
  buildings: "architecture",
  interior: "architecture",
  drink: "food",
  drinks: "food",
  meal: "food",
  cuisine: "food",
  vacation: "travel",
  holiday: "travel",
  pet: "animals",
  pets: "animals",
  wildlife: "animals",
  dog: "animals",
  cat: "animals",
  bird: "animals",
  concert: "events",
  wedding: "events",
  party: "events",
  festival: "events",
  style: "fashion",
  outfit: "fashion",
  clothing: "fashion",
  products: "product",
  artwork: "art",
  painting: "art",
  sport: "sports",
  nighttime: "night",
  nightscape: "night",
  astrophotography: "night",
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Cuts text to `max` UTF-16 code units, at the last word boundary when there
 * is one in the last fifth (so "a long sentence" does not end in "sen"), and
 * never inside a surrogate pair.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const space = cut.search(/\s\S*$/);
  if (space >= max * 0.8) cut = cut.slice(0, space);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

function requiredText(value: string, field: string, max: number, repairs: string[]): string | null {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (trimmed.length <= max) return trimmed;
  repairs.push(`${field} cut to ${max.toLocaleString("en-US")} characters`);
  return cutText(trimmed, max);
}

/** Matches a category case-insensitively, by singular/plural and by a few common synonyms; anything else is "other". */
export function matchCategory(raw: string): { category: Category; exact: boolean } | null {
  const word = raw.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (word === "") return null;
  if ((CATEGORIES as readonly string[]).includes(raw)) return { category: raw as Category, exact: true };
  const known = (w: string) => (CATEGORIES as readonly string[]).includes(w) ? (w as Category) : undefined;
  const found =
    known(word) ?? known(`${word}s`) ?? known(word.replace(/s$/, "")) ?? known(word.replace(/es$/, "")) ?? CATEGORY_SYNONYMS[word];
  return { category: found ?? "other", exact: false };
}

/**
 * One '#', then letters, digits and underscores only (NFC), duplicates
 * dropped case-insensitively, at most LIMITS.hashtags. An item with several
 * '#' words ("#sunset #beach") is taken as several hashtags. Adding a missing
 * '#' is the stored form, not a repair.
 */
export function normaliseHashtags(raw: unknown, repairs: string[]): string[] {
  if (raw === undefined) {
    repairs.push("hashtags missing: none kept");
    return [];
  }
  const items = Array.isArray(raw) ? raw : [raw];
  let changed = 0;
  let empty = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const text = typeof item === "string" ? item.normalize("NFC").trim() : "";
    const parts = /#\S+\s+#/.test(text) ? text.split(/\s+(?=#)/) : [text];
    const words = parts.map((part) => part.replace(/^#+/, ""));
    const clean = words.map((w) => cutText(w.replace(/[^\p{L}\p{N}_]/gu, ""), LIMITS.hashtag - 1));
    if (clean.every((w) => w === "")) {
      empty += 1;
      continue;
    }
    if (parts.length > 1 || clean.some((w, i) => w !== words[i])) changed += 1;
    for (const word of clean) {
      const key = word.toLowerCase();
      if (word === "") continue;
      if (seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      out.push(`#${word}`);
    }
  }
  if (changed) repairs.push(`${plural(changed, "hashtag")} normalised`);
  if (empty) repairs.push(`${plural(empty, "empty hashtag")} dropped`);
  if (duplicates) repairs.push(`${plural(duplicates, "duplicate hashtag")} dropped`);
  if (out.length > LIMITS.hashtags) {
    repairs.push(`hashtags cut from ${out.length} to ${LIMITS.hashtags}`);
    out.length = LIMITS.hashtags;
  }
  return out;
}

function tagList(raw: unknown, repairs: string[]): string[] {
  if (!Array.isArray(raw)) {
    repairs.push("tags missing: none kept");
    return [];
  }
  const seen = new Set<string>();
  const out: string[] = [];
  let dropped = 0;
  let cut = 0;
  for (const item of raw) {
    const tag = typeof item === "string" ? item.trim() : "";
    const key = tag.toLowerCase();
    if (tag === "" || seen.has(key)) {
      dropped += 1;
      continue;
    }
    seen.add(key);
    if (tag.length > LIMITS.tag) cut += 1;
    out.push(cutText(tag, LIMITS.tag));
  }
  if (dropped) repairs.push(`${plural(dropped, "empty or duplicate tag")} dropped`);
  if (cut) repairs.push(`${plural(cut, "tag")} cut to ${LIMITS.tag} characters`);
  if (out.length > LIMITS.tags) {
    repairs.push(`tags cut from ${out.length} to ${LIMITS.tags}`);
    out.length = LIMITS.tags;
  }
  return out;
}

function problemList(raw: unknown, repairs: string[]): AiAnalysis["problems"] {
  if (!Array.isArray(raw)) {
    repairs.push("problems missing: none kept");
    return [];
  }
  const out = new Set<(typeof PROBLEMS)[number]>();
  let dropped = 0;
  for (const item of raw) {
    const key = typeof item === "string" ? item.trim().toLowerCase().replace(/[\s-]+/g, "_") : "";
    const known = PROBLEMS.find((p) => p === key);
    if (known && !out.has(known)) out.add(known);
    else dropped += 1;
  }
  if (dropped) repairs.push(`${plural(dropped, "unknown or repeated problem")} dropped`);
  return [...out];
}

function score(value: number, field: string, repairs: string[]): number {
  const clamped = Math.min(10, Math.max(0, value));
  if (clamped !== value) repairs.push(`${field} ${value} clamped to ${clamped}`);
  return clamped;
}

/** Whether a box is of the ratio in pixels, within 1% or 2 px (what rounding to pixels leaves). */
export function fitsRatio(box: CropBox, ratio: InstagramRatio, size: ImageSize): boolean {
  const w = box.width * size.width;
  const h = box.height * size.height;
  return Math.abs(w - h * RATIO_VALUE[ratio]) <= Math.max(2, 0.01 * w);
}

// The strict schema's own tolerance for a box's edge (cropBoxSchema).
const EDGE = 1e-4;

function cropBox(raw: unknown, ratio: InstagramRatio, size: ImageSize, repairs: string[]): CropBox {
  const known = size.width > 0 && size.height > 0;
  const centred = () => centredCrop(size.width, size.height, RATIO_VALUE[ratio]);
  const parsed = boxReceived.safeParse(raw);
  if (!parsed.success) {
    repairs.push(`crop ${ratio} missing: centred crop used`);
    return centred();
  }
  const given = parsed.data;
  if (!(given.width > 0) || !(given.height > 0)) {
    repairs.push(`crop ${ratio} had no area: centred crop used`);
    return centred();
  }
  const width = Math.min(given.width, 1);
  const height = Math.min(given.height, 1);
  let box: CropBox = { x: Math.min(Math.max(given.x, 0), 1 - width), y: Math.min(Math.max(given.y, 0), 1 - height), width, height };
  // Within the strict schema's tolerance the change is invisible: not worth a note.
  if ((["x", "y", "width", "height"] as const).some((k) => Math.abs(box[k] - given[k]) > EDGE)) {
    repairs.push(`crop ${ratio} moved inside the image`);
  }
  if (known && !fitsRatio(box, ratio, size)) {
    const was = (box.width * size.width) / (box.height * size.height);
    box = relativeCrop(box, ratio, size.width, size.height);
    repairs.push(`crop ${ratio} re-fitted to ${ratio} (it was ${was.toFixed(2)}:1 in pixels)`);
  }
  return box;
}

function crops(raw: unknown, size: ImageSize, repairs: string[]): AiAnalysis["crops"] {
  const given = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return Object.fromEntries(INSTAGRAM_RATIOS.map((r) => [r, cropBox(given[r], r, size, repairs)])) as AiAnalysis["crops"];
}

function issueText(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path.join(".");
      return i.code === "invalid_type" && i.input === undefined ? `${path} is missing` : `${path}: ${i.message}`;
    })
    .join("; ");
}

/**
 * Turns one entry of the answer into an analysis that satisfies
 * aiAnalysisSchema, listing what was changed; refuses it only when text,
 * scores or the category are missing or empty.
 */
export function repairEntry(entry: unknown, size: ImageSize): RepairResult {
  const got = receivedSchema.safeParse(entry);
  if (!got.success) return { ok: false, error: issueText(got.error) };
  const e = got.data;
  const repairs: string[] = [];
  const blank: string[] = [];
  const text = (value: string, field: string, max: number) => {
    const t = requiredText(value, field, max, repairs);
    if (t === null) blank.push(field);
    return t ?? "";
  };
  const description = text(e.description, "description", LIMITS.description);
  const caption = text(e.caption, "caption", LIMITS.caption);
  const altText = text(e.altText, "altText", LIMITS.altText);
  const qualityReason = text(e.quality.reason, "quality.reason", LIMITS.reason);
  const instagramReason = text(e.instagram.reason, "instagram.reason", LIMITS.reason);
  const category = matchCategory(e.category);
  if (!category) blank.push("category");
  if (blank.length) return { ok: false, error: `${blank.join(", ")} ${blank.length === 1 ? "is" : "are"} empty` };
  if (category && !category.exact) {
    repairs.push(
      category.category === "other" ? `unknown category "${e.category.trim()}" taken as "other"` : `category "${e.category.trim()}" taken as "${category.category}"`,
    );
  }
  const analysis: AiAnalysis = {
    description,
    category: category!.category,
    tags: tagList(e.tags, repairs),
    quality: { score: score(e.quality.score, "quality score", repairs), reason: qualityReason },
    instagram: { score: score(e.instagram.score, "instagram score", repairs), reason: instagramReason },
    caption,
    hashtags: normaliseHashtags(e.hashtags, repairs),
    altText,
    crops: crops(e.crops, size, repairs),
    problems: problemList(e.problems, repairs),
  };
  return { ok: true, analysis, repairs };
}
