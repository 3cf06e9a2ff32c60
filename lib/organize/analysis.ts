// Reads AnalysisCache.result back into a StoredAnalysis. The column is JSON
// written by the engine; anything that does not match is treated as "no
// analysis" rather than trusted, so a bad row can never invent a caption.
// Rows from older prompt versions (up to 30 hashtags) stay readable: the
// stored schema keeps the loosest limits any version wrote.
import { z } from "zod";
import {
  cropBoxSchema,
  PROBLEMS,
  storedAiAnalysisSchema,
  type StoredAnalysis,
} from "@/lib/llama/types";

const localSchema = z.object({
  source: z.literal("local"),
  quality: z.object({ score: z.number(), reason: z.string() }),
  problems: z.array(z.enum(PROBLEMS)),
  crops: z.object({ "4:5": cropBoxSchema, "1:1": cropBoxSchema, "1.91:1": cropBoxSchema }),
  tags: z.array(z.string()).optional(),
});

const storedSchema = z.discriminatedUnion("source", [
  storedAiAnalysisSchema.extend({ source: z.literal("ai") }),
  localSchema,
]);

export function parseStoredAnalysis(json: unknown): StoredAnalysis | null {
  const r = storedSchema.safeParse(json);
  return r.success ? r.data : null;
}
