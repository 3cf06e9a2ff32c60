// What a person sees for a photo: their own edit when they made one, else the
// model's answer. Edits live in Photo.user* and are never written by the engine,
// so re-analysis cannot overwrite them.
import { LIMITS, type StoredAnalysis } from "@/lib/llama/types";

export interface PhotoEdits {
  userCaption: string | null;
  userHashtags: string[];
  userCategory: string | null;
  /** The photo's stored category: without a key, "people" when the face stage found faces. */
  category?: string | null;
}

export interface EffectiveText {
  /** true only when a vision model analysed the photo (false for local measurements). */
  aiAnalysed: boolean;
  caption: string | null;
  hashtags: string[];
  category: string | null;
  altText: string | null;
  description: string | null;
  tags: string[];
  edited: { caption: boolean; hashtags: boolean; category: boolean };
}

/**
 * Effective value = user edit ?? model answer. An empty userHashtags array
 * means "not edited" (the column is a non-null array). Hashtags are cut to
 * Instagram's 5 per post here, the one place every post is prepared from
 * (photo page, albums, carousels, share pages, exports, CSV and XMP): answers
 * from older prompts and edits made under the old limit carry up to 30.
 */
export function effectiveText(photo: PhotoEdits, analysis: StoredAnalysis | null): EffectiveText {
  const ai = analysis?.source === "ai" ? analysis : null;
  const hashtagsEdited = photo.userHashtags.length > 0;
  return {
    aiAnalysed: ai !== null,
    caption: photo.userCaption ?? ai?.caption ?? null,
    hashtags: (hashtagsEdited ? photo.userHashtags : normalizeHashtags(ai?.hashtags ?? [])).slice(0, LIMITS.hashtags),
    category: photo.userCategory ?? ai?.category ?? (analysis?.source === "local" ? (photo.category ?? null) : null),
    altText: ai?.altText ?? null,
    description: ai?.description ?? null,
    // The local provider's only tag is what faces tell ("group").
    tags: ai?.tags ?? (analysis?.source === "local" ? (analysis.tags ?? []) : []),
    edited: {
      caption: photo.userCaption !== null,
      hashtags: hashtagsEdited,
      category: photo.userCategory !== null,
    },
  };
}

/**
 * "beach, #Sunset  golden_hour #beach" -> ["#beach", "#Sunset", "#golden_hour"]:
 * one leading "#", letters/digits/underscore only, duplicates (case-insensitive) dropped.
 */
export function normalizeHashtags(input: string | string[]): string[] {
  const parts = (Array.isArray(input) ? input : [input]).flatMap((s) => s.split(/[\s,]+/));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of parts) {
    const word = raw.replace(/^#+/, "").replace(/[^\p{L}\p{N}_]/gu, "");
    if (!word) continue;
    const key = word.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`#${word}`);
  }
  return out;
}
