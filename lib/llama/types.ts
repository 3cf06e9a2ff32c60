// The contract between the providers, the analysis loop and lib/organize.
// aiAnalysisSchema is the strict contract: it is turned into the JSON Schema
// sent as structured output, and every analysis the repair step
// (./repair.ts) lets through satisfies it. Answers are read leniently and
// repaired towards it; see docs/decisions (the answer contract).
import { z } from "zod";

export const CATEGORIES = [
  "portrait",
  "people",
  "landscape",
  "nature",
  "urban",
  "architecture",
  "food",
  "travel",
  "animals",
  "events",
  "fashion",
  "product",
  "art",
  "sports",
  "night",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A crop in relative coordinates (0..1) of the oriented image. */
export const cropBoxSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    width: z.number().gt(0).max(1),
    height: z.number().gt(0).max(1),
  })
  .refine((b) => b.x + b.width <= 1.0001 && b.y + b.height <= 1.0001, "crop box leaves the image");
export type CropBox = z.infer<typeof cropBoxSchema>;

export const INSTAGRAM_RATIOS = ["4:5", "1:1", "1.91:1"] as const;
export type InstagramRatio = (typeof INSTAGRAM_RATIOS)[number];

export const PROBLEMS = ["blur", "underexposed", "overexposed", "tilt", "noise", "low_resolution"] as const;

/**
 * Every limit of an analysis, in one place: the JSON Schema sent, the prompt
 * and the repair step all read them. Lengths are in UTF-16 code units (what
 * zod and String.length count), at most the code points JSON Schema counts.
 */
export const LIMITS = {
  description: 1000,
  /** Instagram's caption limit. */
  caption: 2200,
  /** Asked for in the prompt: screen readers are comfortable up to about 125 characters. */
  altTextAdvised: 125,
  /** Enforced; the repair cuts longer alt text at a word boundary. */
  altText: 250,
  reason: 300,
  tags: 20,
  tag: 40,
  /** Instagram allows 5 hashtags per post since December 2025 (it was 30). */
  hashtags: 5,
  /** Including the leading '#'. */
  hashtag: 100,
  problems: PROBLEMS.length,
} as const;

/** A stored hashtag: one '#', then letters, digits and underscores. */
export const HASHTAG = /^#[\p{L}\p{N}_]+$/u;

const scored = z.object({ score: z.number().min(0).max(10), reason: z.string().min(1).max(LIMITS.reason) });

/** What the vision model answers for one photo (after repair; never invented). */
export const aiAnalysisSchema = z.object({
  description: z.string().min(1).max(LIMITS.description),
  category: z.enum(CATEGORIES),
  tags: z.array(z.string().min(1).max(LIMITS.tag)).max(LIMITS.tags),
  quality: scored,
  instagram: scored,
  caption: z.string().min(1).max(LIMITS.caption),
  // The pattern is not sent (structured-output endpoints reject regexes): the repair normalises instead.
  hashtags: z.array(z.string().min(1).max(LIMITS.hashtag).regex(HASHTAG)).max(LIMITS.hashtags),
  altText: z.string().min(1).max(LIMITS.altText),
  crops: z.object({ "4:5": cropBoxSchema, "1:1": cropBoxSchema, "1.91:1": cropBoxSchema }),
  problems: z.array(z.enum(PROBLEMS)).max(LIMITS.problems),
});
export type AiAnalysis = z.infer<typeof aiAnalysisSchema>;

/**
 * How stored AI analyses are read back (lib/organize): rows written under
 * every prompt version must stay readable, so this keeps the loosest limits
 * any version wrote (prompt p1: up to 30 hashtags, possibly without '#', and
 * alt text up to 1,000 characters) and the repair notes rows have since p2.
 */
export const storedAiAnalysisSchema = aiAnalysisSchema.extend({
  hashtags: z.array(z.string().regex(/^#?[\p{L}\p{N}_]+$/u).max(LIMITS.hashtag)).max(30),
  altText: z.string().min(1).max(1000),
  repairs: z.array(z.string()).optional(),
});

/**
 * What is stored in AnalysisCache.result. `source: "local"` means the photo was
 * NOT analysed by AI: only the pipeline's own measurements, no caption, no
 * description; the UI and reports say so.
 */
export type StoredAnalysis =
  | ({ source: "ai" } & AiAnalysis & {
      /** What the repair step changed in the model's answer (absent on rows from before prompt p2). */
      repairs?: string[];
    })
  | {
      source: "local";
      quality: { score: number; reason: string };
      problems: (typeof PROBLEMS)[number][];
      crops: Record<InstagramRatio, CropBox>;
      /** Only what the machine can tell: "group" for 3 or more faces (lib/llama/local.ts); absent on older rows. */
      tags?: string[];
    };
