// Results are written in batches (a few statements per flush, flushed every
// ~100 ms or when many are waiting), never one round trip per photo. Order
// matters for durability: cache rows first, then photo states, so a crash in
// between leaves a cache hit for the re-claimed photo, not a second request.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { GROUP_MIN_FACES, type StoredAnalysis } from "@/lib/llama";
import { analysed, analysisEnded } from "@/lib/photos";
import type { CacheKey } from "./cache";

export interface AnalyzedItem {
  photoId: string;
  teamId: string;
  contentHash: string;
  analysis: StoredAnalysis;
  tokens: number;
}
export interface LinkedItem {
  photoId: string;
  cacheId: string;
  analysis: StoredAnalysis;
}
export interface EndedItem {
  photoId: string;
  state: "FAILED" | "SKIPPED";
  reason: string;
}

/** The denormalised columns lists sort and filter on (local analyses only have a quality score). */
export function photoColumns(a: StoredAnalysis): { category: string | null; q: number | null; i: number | null } {
  if (a.source === "ai") return { category: a.category, q: a.quality.score, i: a.instagram.score };
  return { category: null, q: a.quality.score, i: null };
}

export interface Flushed {
  /** Photo ids whose final state is now in the database. */
  photoIds: string[];
  /** The sets those photos belong to: what is derived from their results (albums, keepers) is now out of date. */
  setIds: string[];
}

export class ResultWriter {
  private analyzedQ: AnalyzedItem[] = [];
  private linkedQ: LinkedItem[] = [];
  private endedQ: EndedItem[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly key: CacheKey,
    private readonly onFlushed: (f: Flushed) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  get waiting(): number {
    return this.analyzedQ.length + this.linkedQ.length + this.endedQ.length;
  }

  analyzed(i: AnalyzedItem): void {
    this.analyzedQ.push(i);
    this.kick();
  }
  linked(i: LinkedItem): void {
    this.linkedQ.push(i);
    this.kick();
  }
  ended(i: EndedItem): void {
    this.endedQ.push(i);
    this.kick();
  }

  private kick(): void {
    if (this.waiting >= 200) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), 100);
  }

  /** Writes everything queued so far; concurrent calls wait for the same work. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    if (this.waiting === 0) return;
    const analyzed = this.analyzedQ.splice(0);
    const linked = this.linkedQ.splice(0);
    const ended = this.endedQ.splice(0);
    this.running = this.write(analyzed, linked, ended)
      .then((setIds) => this.onFlushed({ photoIds: [...analyzed, ...linked, ...ended].map((x) => x.photoId), setIds }))
      .catch((err: unknown) => {
        // Put them back: the next flush tries again; leases keep the photos ours meanwhile.
        this.analyzedQ.unshift(...analyzed);
        this.linkedQ.unshift(...linked);
        this.endedQ.unshift(...ended);
        this.onError(err);
        if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1000);
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  /** Returns the sets of the photos written. */
  private async write(analyzed: AnalyzedItem[], linked: LinkedItem[], ended: EndedItem[]): Promise<string[]> {
    const client = db();
    const sets = new Set<string>();
    const links = [...linked];
    if (analyzed.length > 0) {
      // One row per (team, content): identical content analysed twice in one flush is stored once.
      const unique = new Map<string, AnalyzedItem>();
      for (const a of analyzed) unique.set(`${a.teamId}:${a.contentHash}`, a);
      const rows = [...unique.values()].map((a) => ({
        id: randomUUID(),
        teamId: a.teamId,
        contentHash: a.contentHash,
        result: a.analysis,
        tokensUsed: a.tokens,
      }));
      const saved = await client.$queryRawUnsafe<{ id: string; teamId: string; contentHash: string }[]>(
        `INSERT INTO "AnalysisCache" (id, "teamId", "contentHash", provider, model, "promptVersion", result, "tokensUsed")
         SELECT v.id, v."teamId", v."contentHash", $2, $3, $4, v.result, v."tokensUsed"
           FROM jsonb_to_recordset($1::jsonb) AS v(id text, "teamId" text, "contentHash" text, result jsonb, "tokensUsed" int)
         ON CONFLICT ("teamId", "contentHash", provider, model, "promptVersion")
         DO UPDATE SET result = EXCLUDED.result, "tokensUsed" = EXCLUDED."tokensUsed"
         RETURNING id, "teamId", "contentHash"`,
        JSON.stringify(rows),
        this.key.provider,
        this.key.model,
        this.key.promptVersion,
      );
      if (this.key.provider === "local" && saved.length > 0) {
        // The local provider tagged groups from the face count it was given; a
        // scan that landed after the photo was claimed counts instead (the face
        // stage updates these rows itself when it comes later still).
        await client.$executeRawUnsafe(
          `UPDATE "AnalysisCache" a
              SET result = jsonb_set(a.result, '{tags}', CASE WHEN f.n >= $2 THEN '["group"]'::jsonb ELSE '[]'::jsonb END)
             FROM (SELECT "teamId", "contentHash", max("faceCount") AS n FROM "Photo"
                    WHERE ("teamId", "contentHash") IN (SELECT "teamId", "contentHash" FROM "AnalysisCache" WHERE id = ANY($1::text[]))
                    GROUP BY "teamId", "contentHash") f
            WHERE a.id = ANY($1::text[]) AND a."teamId" = f."teamId" AND a."contentHash" = f."contentHash" AND f.n IS NOT NULL`,
          saved.map((r) => r.id),
          GROUP_MIN_FACES,
        );
      }
      const ids = new Map(saved.map((r) => [`${r.teamId}:${r.contentHash}`, r.id]));
      for (const a of analyzed) {
        const cacheId = ids.get(`${a.teamId}:${a.contentHash}`);
        if (cacheId) links.push({ photoId: a.photoId, cacheId, analysis: a.analysis });
      }
    }
    // Photo states last (lib/photos/lifecycle.ts: analysed, failedAnalysis, skipped).
    const rows = links.map((l) => ({ id: l.photoId, aid: l.cacheId, ...photoColumns(l.analysis) }));
    for (const setId of await analysed(rows)) sets.add(setId);
    for (const setId of await analysisEnded(ended.map((e) => ({ id: e.photoId, state: e.state, reason: e.reason })))) sets.add(setId);
    return [...sets];
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
