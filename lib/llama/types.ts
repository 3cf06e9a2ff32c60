// The contract between the providers, the analysis loop and lib/organize.
// One zod schema is the source of truth: it validates every model answer and is
// turned into the JSON Schema sent as structured output.
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

const scored = z.object({ score: z.number().min(0).max(10), reason: z.string().min(1).max(300) });

export const PROBLEMS = ["blur", "underexposed", "overexposed", "tilt", "noise", "low_resolution"] as const;

/** What the vision model answers for one photo (validated; never invented). */
export const aiAnalysisSchema = z.object({
  description: z.string().min(1).max(1000),
  category: z.enum(CATEGORIES),
  tags: z.array(z.string().min(1).max(40)).max(20),
  quality: scored,
  instagram: scored,
  caption: z.string().min(1).max(2200),
  hashtags: z.array(z.string().regex(/^#?[\p{L}\p{N}_]+$/u).max(100)).max(30),
  altText: z.string().min(1).max(1000),
  crops: z.object({ "4:5": cropBoxSchema, "1:1": cropBoxSchema, "1.91:1": cropBoxSchema }),
  problems: z.array(z.enum(PROBLEMS)).max(6),
});
export type AiAnalysis = z.infer<typeof aiAnalysisSchema>;

/**
 * What is stored in AnalysisCache.result. `source: "local"` means the photo was
 * NOT analysed by AI: only the pipeline's own measurements, no caption, no
 * description; the UI and reports say so.
 */
export type StoredAnalysis =
  | ({ source: "ai" } & AiAnalysis)
  | {
      source: "local";
      quality: { score: number; reason: string };
      problems: (typeof PROBLEMS)[number][];
      crops: Record<InstagramRatio, CropBox>;
    };
