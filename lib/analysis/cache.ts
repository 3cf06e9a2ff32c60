// The analysis cache: one answer per (team, content hash, provider, model,
// prompt version), looked up BEFORE a request is scheduled. A re-run of a set
// costs zero requests; a changed file (new hash) or prompt (new version) misses.
import { db } from "@/lib/db";
import type { StoredAnalysis } from "@/lib/llama";

export interface CacheKey {
  provider: string;
  model: string;
  promptVersion: string;
}

export interface CacheHit {
  id: string;
  result: StoredAnalysis;
}

/** Hits for the given content hashes of one team, by content hash; one indexed query. */
export async function lookupCache(teamId: string, hashes: string[], key: CacheKey): Promise<Map<string, CacheHit>> {
  if (hashes.length === 0) return new Map();
  const rows = await db().analysisCache.findMany({
    where: { teamId, provider: key.provider, model: key.model, promptVersion: key.promptVersion, contentHash: { in: hashes } },
    select: { id: true, contentHash: true, result: true },
  });
  return new Map(rows.map((r) => [r.contentHash, { id: r.id, result: r.result as unknown as StoredAnalysis }]));
}
