// The durable analysis loop. The database is the queue (queue.ts); this file
// keeps the pipe full: claim a few hundred photos at a time in one statement,
// answer what it can without a request (cache, fast mode, identical content
// already in flight), batch the rest through the RequestScheduler, retry
// failures as new jobs after a back-off (waiting outside any slot), and write
// results in batches. Analysis JPEG bytes are read from storage only for the
// batches handed to the scheduler, and dropped when they finish.
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { ResolvedConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { readImageHeader } from "@/lib/images";
import { createProvider, type PhotoInput, type ProviderError, type VisionProvider } from "@/lib/llama";
import { storage } from "@/lib/storage";
import { BatchSizer, takeBatch } from "./batching";
import { lookupCache, type CacheKey } from "./cache";
import { fastModeSkipReason } from "./fast-mode";
import { claimPhotos, releasePhotos, remainingInScope, renewLeases, type ClaimedPhoto, type Scope } from "./queue";
import { BURST_SECONDS, PRIORITY_NEW, PRIORITY_RETRY, RequestScheduler, type Attempt } from "./scheduler";
import { createSharedBudget, type SharedBudget } from "./shared-budget";
import { RunStats, type RunReport } from "./stats";
import { nextRetry, OutageDetector } from "./retry-policy";
import { ResultWriter } from "./writer";

export interface EngineOptions {
  scope: Scope;
  config: ResolvedConfig;
  signal?: AbortSignal;
  /** Defaults to createProvider(config). */
  provider?: VisionProvider;
  /** "drain": return when nothing in scope is left; "forever": keep polling (background worker). */
  mode: "drain" | "forever";
  leaseMs?: number;
  idlePollMs?: number;
  /** Called after every batch of results is written (at most ~10/s). */
  onProgress?: (p: ProgressSnapshot) => void;
  /** Called with the sets whose run just closed (mode "forever"): their results are all written. */
  onRunsFinished?: (setIds: string[]) => void;
  /**
   * Called with the sets whose photos just got results written (at most ~10/s):
   * what is derived from results - keepers, albums - is brought up to date
   * from here, when the data changes, not when someone looks.
   */
  onResultsWritten?: (setIds: string[]) => void;
  /** Per-request decisions (LLAMA_DEBUG=1, --debug-performance). */
  debug?: (msg: string) => void;
  /** Shared Redis budget; defaults to one when REDIS_URL is set. Pass null for none. */
  shared?: SharedBudget | null;
}

export interface ProgressSnapshot {
  total: number;
  done: number;
  analyzed: number;
  cached: number;
  skipped: number;
  failed: number;
  requests: number;
  requestsPerS: number;
  inFlight: number;
  concurrencyLimit: number;
}

interface Work {
  photo: ClaimedPhoto;
  attempts: number;
  /** 429s are not the photo's fault: counted apart, with their own (larger) bound. */
  limited: number;
  /** Failures while the provider was down (outage): not the photo's fault either. */
  outage: number;
  single: boolean;
  lastError?: string;
  followers: ClaimedPhoto[];
}

export class AnalysisEngine {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly provider: VisionProvider;
  private readonly cfg: ResolvedConfig;
  private readonly key: CacheKey;
  private readonly scheduler: RequestScheduler;
  private readonly writer: ResultWriter;
  private readonly sizer: BatchSizer;
  private readonly ac = new AbortController();
  private readonly signal: AbortSignal;
  private readonly leaseMs: number;
  private readonly shared: SharedBudget | undefined;
  private readonly ownsShared: boolean;
  private pending: Work[] = [];
  private retryReady: Work[] = [];
  /**
   * Per set with batches in the scheduler (waiting or in flight): how many, and
   * the signal that stops those still waiting (see dropStoppedSets). An entry
   * goes when its last batch is back, so sets served long ago leave nothing.
   */
  private scheduled = new Map<string, { batches: number; stop: AbortController }>();
  private readonly inFlightContent = new Map<string, Work>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private jobs = 0;
  private outstanding = 0;
  /** The last claim got all it asked for: the queue may hold more (see dispatch). */
  private moreQueued = false;
  private readonly outages = new OutageDetector();
  private fatal: string | undefined;
  private wake: (() => void) | undefined;
  /** One AnalysisRun row per set touched; `total` is the whole engine's view. */
  private readonly runs = new Map<string, { stats: RunStats; teamId: string }>();
  private closingRuns = false;
  readonly total: RunStats;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: EngineOptions) {
    this.cfg = opts.config;
    this.provider = opts.provider ?? createProvider(opts.config);
    this.key = { provider: this.provider.name, model: this.provider.model, promptVersion: this.provider.promptVersion };
    this.signal = opts.signal ? AbortSignal.any([opts.signal, this.ac.signal]) : this.ac.signal;
    // Every request in flight listens to this signal (through AbortSignal.any).
    setMaxListeners(0, this.signal);
    this.leaseMs = opts.leaseMs ?? 60_000;
    const env = getEnv();
    if (opts.shared === undefined && env.REDIS_URL && this.provider.usesNetwork) {
      this.shared = createSharedBudget({
        redisUrl: env.REDIS_URL,
        key: `${this.provider.name}:${this.provider.model}:${this.cfg.baseUrl}`,
        requestsPerMinute: this.cfg.maxRequestsPerMinute,
        // One second, not the local 1.8: a request crosses Redis and another
        // process's event loop before it is sent, so processes reach the
        // provider further out of step than one process does; the second
        // left in the provider's ~2 s bucket absorbs that.
        burstSeconds: this.cfg.burstMode ? Math.min(1, BURST_SECONDS) : 0.2,
      });
      this.ownsShared = true;
    } else {
      this.shared = opts.shared ?? undefined;
      this.ownsShared = false;
    }
    const debug = opts.debug ?? (env.LLAMA_DEBUG ? (m: string) => console.error(`[llama] ${m}`) : undefined);
    this.total = new RunStats("", this.cfg);
    this.scheduler = new RequestScheduler(
      this.provider,
      this.cfg,
      { debug, onRequest: () => this.total.request() },
      this.shared,
    );
    this.sizer = new BatchSizer(this.cfg.batchSize, this.cfg.optimalBatchSize);
    this.writer = new ResultWriter(
      this.key,
      (f) => {
        this.outstanding -= f.photoIds.length;
        if (f.setIds.length) this.opts.onResultsWritten?.(f.setIds);
        this.opts.onProgress?.(this.snapshot());
        this.poke();
      },
      (err) => {
        this.total.lastError = `Could not save results (will retry): ${(err as Error).message}`;
        console.error("[analysis] write failed", err);
      },
    );
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.wake = undefined;
        resolve();
      }, ms);
      this.timers.add(t);
      this.wake = () => {
        clearTimeout(t);
        this.timers.delete(t);
        resolve();
      };
    });
  }

  snapshot(): ProgressSnapshot {
    const c = this.total.c;
    return {
      total: c.images,
      done: c.analyzed + c.cached + c.skipped + c.failed,
      analyzed: c.analyzed,
      cached: c.cached,
      skipped: c.skipped,
      failed: c.failed,
      requests: c.requests,
      requestsPerS: this.total.report(this.scheduler.ceilingRps, false).requestsPerS,
      inFlight: this.scheduler.requestsInFlight,
      concurrencyLimit: this.scheduler.limit,
    };
  }

  /** Counts into the set's run and the total. */
  private count(setId: string, f: (s: RunStats) => void): void {
    f(this.total);
    const r = this.runs.get(setId);
    if (r) f(r.stats);
  }

  private async ensureRun(setId: string, teamId: string): Promise<void> {
    if (this.runs.has(setId)) return;
    const id = randomUUID();
    this.runs.set(setId, { stats: new RunStats(id, this.cfg), teamId });
    await db().analysisRun.create({
      data: {
        id,
        teamId,
        setId,
        provider: this.provider.name,
        model: this.provider.model,
        config: JSON.parse(JSON.stringify({ ...this.cfg, apiKey: undefined })) as object,
        concurrencyLimit: this.scheduler.limit,
      },
    });
  }

  /** Runs until the scope is drained (mode "drain"), aborted, or a fatal provider error. */
  async run(): Promise<RunReport> {
    const renew = setInterval(() => void renewLeases(this.owner, this.leaseMs).catch(() => undefined), this.leaseMs / 3);
    const flushStats = setInterval(() => {
      void this.writeStats(false);
      void this.dropStoppedSets().catch(() => undefined);
      void this.closeFinishedRuns().catch(() => undefined);
    }, 1000);
    const idle = this.opts.idlePollMs ?? 1000;
    const onAbort = () => this.poke();
    this.signal.addEventListener("abort", onAbort);
    try {
      while (!this.signal.aborted && !this.fatal) {
        const highWater = Math.max(64, this.scheduler.limit * this.batchSize() * 2);
        let claimed = 0;
        if (highWater - this.outstanding >= Math.min(32, highWater / 4)) {
          const asked = Math.min(500, highWater - this.outstanding);
          const rows = await claimPhotos(this.opts.scope, this.owner, asked, this.leaseMs);
          claimed = rows.length;
          this.moreQueued = claimed === asked;
          if (claimed > 0) await this.intake(rows);
          else this.dispatch(); // a short tail held back for more is sent now
        }
        if (claimed === 0 && this.outstanding === 0) {
          if (this.opts.mode === "drain") {
            const left = await remainingInScope(this.opts.scope);
            if (left.queued + left.analyzing === 0) break;
          } else if (this.runs.size > 0) {
            // The background worker ran out of work: close these runs, so the
            // next upload starts a new one with its own statistics.
            const closing = [...this.runs.keys()];
            await this.writeStats(true);
            this.runs.clear();
            this.opts.onRunsFinished?.(closing);
          }
          await this.waitForChange(idle); // others' leases, or new uploads (worker)
        } else if (claimed === 0 || highWater - this.outstanding < 32) {
          await this.waitForChange(200);
        }
      }
      // Throughput is measured to the moment the last result is saved, not
      // including the clean-up below.
      this.total.end();
    } catch (err) {
      // The database went away (or a bug): stop sending, save or give back what
      // we can, and let the caller decide (the worker restarts after a pause).
      this.ac.abort(err);
      await this.finish().catch(() => undefined);
      throw err;
    } finally {
      clearInterval(renew);
      clearInterval(flushStats);
      this.signal.removeEventListener("abort", onAbort);
    }
    return this.finish();
  }

  /** Cache, fast mode and in-flight dedupe first; the rest waits for a request. */
  private async intake(rows: ClaimedPhoto[]): Promise<void> {
    this.outstanding += rows.length;
    const byTeam = new Map<string, ClaimedPhoto[]>();
    for (const p of rows) {
      await this.ensureRun(p.setId, p.teamId);
      this.count(p.setId, (s) => (s.c.images += 1));
      const list = byTeam.get(p.teamId) ?? [];
      list.push(p);
      byTeam.set(p.teamId, list);
    }
    for (const [teamId, photos] of byTeam) {
      const hits = await lookupCache(teamId, [...new Set(photos.map((p) => p.contentHash))], this.key);
      for (const p of photos) {
        const hit = hits.get(p.contentHash);
        // "Re-analyse" (forceAnalyze on a photo already linked to this answer) asks for a fresh one.
        if (hit && !(p.forceAnalyze && p.analysisId === hit.id)) {
          this.count(p.setId, (s) => {
            s.c.cached += 1;
            s.imagesDone(1);
          });
          this.writer.linked({ photoId: p.id, cacheId: hit.id, analysis: hit.result });
          continue;
        }
        const skip = fastModeSkipReason(p, this.cfg);
        if (skip) {
          this.count(p.setId, (s) => {
            s.c.skipped += 1;
            s.imagesDone(1);
          });
          this.writer.ended({ photoId: p.id, state: "SKIPPED", reason: skip });
          continue;
        }
        const k = `${p.teamId}:${p.contentHash}`;
        const leader = this.inFlightContent.get(k);
        if (leader) {
          leader.followers.push(p);
          continue;
        }
        const w: Work = { photo: p, attempts: 0, limited: 0, outage: 0, single: false, followers: [] };
        this.inFlightContent.set(k, w);
        this.pending.push(w);
      }
    }
    this.dispatch();
  }

  /** Photos per request now: as configured, or auto (see BatchSizer) within what answers in time. */
  private batchSize(): number {
    return this.sizer.current(this.scheduler.batchFitsInTime());
  }

  /** The next batch: one team's photos only (see takeBatch). */
  private takeBatch(from: Work[]): Work[] {
    return takeBatch(from, this.batchSize());
  }

  /** Hands batches to the scheduler, keeping its queue short (slots are the real limit). */
  private dispatch(): void {
    while (!this.signal.aborted && !this.fatal && this.jobs < this.scheduler.limit + 8) {
      let batch: Work[];
      let priority: number;
      if (this.retryReady.length > 0) {
        batch = this.takeBatch(this.retryReady);
        priority = PRIORITY_RETRY;
      } else if (this.pending.length > 0) {
        // A short batch costs a whole request of the per-minute budget: while the
        // queue holds more, the tail waits for the next claim to fill it.
        if (this.moreQueued && this.pending.length < this.batchSize()) break;
        batch = this.takeBatch(this.pending);
        priority = PRIORITY_NEW;
      } else break;
      this.jobs += 1;
      void this.sendBatch(batch, priority).finally(() => {
        this.jobs -= 1;
        this.dispatch();
        // Nothing else in flight: save now instead of waiting for the writer's timer.
        if (this.jobs === 0) void this.writer.flush();
      });
    }
  }

  private async sendBatch(batch: Work[], priority: number): Promise<void> {
    const inputs: PhotoInput[] = [];
    const ready: Work[] = [];
    for (const w of batch) {
      try {
        const jpeg = await storage().get(w.photo.contentHash, "analysis");
        const p = w.photo;
        // The JPEG's own size books its image tokens (photos prepared before ADR 011 were sent larger).
        const size = await readImageHeader(jpeg).catch(() => ({ width: 0, height: 0 }));
        inputs.push({ id: p.id, contentHash: p.contentHash, jpeg, width: size.width, height: size.height, sharpness: p.sharpness, brightness: p.brightness, faceCount: p.faceCount });
        ready.push(w);
      } catch {
        this.fail(w, "The analysis image of this photo is missing from storage; upload the photo again.");
      }
    }
    if (ready.length === 0) return;
    const setId = (ready[0] as Work).photo.setId;
    let slot = this.scheduled.get(setId);
    if (!slot) this.scheduled.set(setId, (slot = { batches: 0, stop: new AbortController() }));
    slot.batches += 1;
    let a: Attempt;
    try {
      a = await this.scheduler.send(inputs, priority, this.signal, slot.stop.signal);
    } catch (err) {
      if (this.signal.aborted) return; // released to the queue in finish()
      if (slot.stop.signal.aborted) {
        await this.release(ready); // paused or cancelled before it was sent
        return;
      }
      // Not a provider answer (a bug or an expired job): retry like a network failure.
      const msg = `Internal error while sending: ${(err as Error).message}`;
      this.total.lastError = msg;
      this.retry(ready, msg, false);
      return;
    } finally {
      // A stopped set's entry is already gone (or replaced after a resume): leave that one be.
      if (--slot.batches === 0 && this.scheduled.get(setId) === slot) this.scheduled.delete(setId);
    }
    // The request served every set of the batch: each is booked for it.
    this.countSets(ready, (s) => {
      if (s !== this.total) s.request();
      s.latency(a.latencyMs);
    });
    if (a.ok) this.onSuccess(ready, a);
    else this.onFailure(ready, a.error);
  }

  /** Counts once into the total and once into the run of every set among `works`. */
  private countSets(works: readonly Work[], f: (s: RunStats) => void): void {
    f(this.total);
    for (const setId of new Set(works.map((w) => w.photo.setId))) {
      const r = this.runs.get(setId);
      if (r) f(r.stats);
    }
  }

  private onSuccess(ready: Work[], a: Extract<Attempt, { ok: true }>): void {
    // The provider answered: not (or no longer) an outage.
    this.outages.answered();
    const byId = new Map(a.result.outcomes.map((o) => [o.photoId, o]));
    // What the request cost, shared by its photos (a set is booked its photos' share).
    const tokensEach = Math.round(a.tokens / ready.length);
    let bad = 0;
    for (const w of ready) {
      const o = byId.get(w.photo.id);
      if (o?.ok) {
        this.done(w);
        const all = [w.photo, ...w.followers];
        for (const p of all) {
          this.count(p.setId, (s) => {
            if (p === w.photo) {
              s.c.analyzed += 1;
              s.c.tokensUsed += tokensEach;
              if (o.repairs.length > 0) s.c.repaired += 1;
            } else s.c.cached += 1; // identical content: answered by the same request
            s.imagesDone(1);
          });
          this.writer.analyzed({ photoId: p.id, teamId: p.teamId, contentHash: p.contentHash, analysis: o.analysis, tokens: tokensEach });
        }
      } else {
        bad += 1;
        const why = o ? o.error : "The answer did not include this photo.";
        w.attempts += 1;
        this.retry([w], why, true);
      }
    }
    this.sizer.record(ready.length, bad);
  }

  private onFailure(ready: Work[], e: ProviderError): void {
    this.countSets(ready, (s) => {
      s.failedRequests += 1;
      s.lastError = e.message;
      if (e.kind === "rate_limited") s.c.rateLimited += 1;
      if (e.kind === "timeout") s.c.timeouts += 1;
    });
    // A 429 says nothing about batch size; a batch that timed out or came back unusable does.
    if (e.kind === "timeout" || e.kind === "invalid_answer") this.sizer.record(ready.length, ready.length);
    if (!e.retryable) {
      // The caller's own mistake (key, model, request): every further request would fail the same way.
      this.fatal = e.message;
      for (const w of ready) this.fail(w, e.message);
      return;
    }
    const outage = this.noteOutage(e, ready);
    // A batch whose answer was unusable: each image goes again on its own (one photo may be
    // what broke it). A batch too slow says nothing against any photo: its photos go back in
    // batches of the size the sizer just halved to - sent alone, the 400 photos of a start
    // that timed out against a provider past its capacity took 400 requests.
    const split = ready.length > 1 && e.kind === "invalid_answer";
    for (const w of ready) {
      if (e.kind === "rate_limited") w.limited += 1;
      else if (outage) w.outage += 1;
      else w.attempts += 1;
    }
    this.retry(ready, e.message, split, e.retryAfterMs);
  }

  /** Counts provider-side failures in a row; in an outage pauses all requests and says so. */
  private noteOutage(e: ProviderError, ready: Work[]): boolean {
    const pauseMs = this.outages.failed(e.kind, ready.map((w) => w.photo.id));
    if (pauseMs === null) return false;
    this.scheduler.budget.pause(pauseMs, Date.now());
    this.scheduler.gate.poke();
    const msg = `The provider is unavailable (${e.message}); requests paused and retried, photos keep their retries.`;
    for (const s of [this.total, ...[...this.runs.values()].map((r) => r.stats)]) s.lastError = msg;
    return true;
  }

  /**
   * Retries photos that failed together (a batch refused with a 429, a 5xx)
   * together: one wait, then back in one batch, so a 429 does not turn a batch
   * of 8 into 8 requests of one. Photos past their retry bound fail.
   */
  private retry(works: readonly Work[], why: string, single: boolean, retryAfterMs?: number): void {
    const random = Math.random();
    let delay = 0;
    const again: Work[] = [];
    for (const w of works) {
      w.lastError = why;
      const next = nextRetry(w, this.cfg.maxRetries, random, retryAfterMs);
      if (!next.retry) {
        this.fail(w, `Failed after ${next.attempts} attempts: ${why}`);
        continue;
      }
      w.single = w.single || single;
      this.count(w.photo.setId, (s) => (s.c.retries += 1));
      delay = Math.max(delay, next.delayMs);
      again.push(w);
    }
    if (again.length === 0) return;
    // The wait happens here, outside any concurrency slot; the retry is a new job.
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.retryReady.push(...again);
      this.dispatch();
    }, delay);
    this.timers.add(t);
  }

  private done(w: Work): void {
    this.inFlightContent.delete(`${w.photo.teamId}:${w.photo.contentHash}`);
  }

  private fail(w: Work, reason: string): void {
    this.done(w);
    for (const p of [w.photo, ...w.followers]) {
      this.count(p.setId, (s) => {
        s.c.failed += 1;
        s.lastError = reason;
      });
      this.writer.ended({ photoId: p.id, state: "FAILED", reason });
    }
  }

  /**
   * A set paused or cancelled while we hold its photos: what has not been sent
   * yet goes back to the queue now - the work waiting here and the batches
   * waiting in the scheduler for a slot or rate budget (their stop signal
   * fires; sendBatch releases them). Requests in flight finish and are saved.
   */
  private async dropStoppedSets(): Promise<void> {
    const waiting = [...this.pending, ...this.retryReady];
    const setIds = [...new Set([...waiting.map((w) => w.photo.setId), ...this.scheduled.keys()])];
    if (setIds.length === 0) return;
    const stopped = await db().photoSet.findMany({ where: { id: { in: setIds }, status: { in: ["PAUSED", "CANCELLED"] } }, select: { id: true } });
    if (stopped.length === 0) return;
    const ids = new Set(stopped.map((x) => x.id));
    for (const id of ids) {
      this.scheduled.get(id)?.stop.abort(new Error("the set was paused or cancelled"));
      this.scheduled.delete(id); // batches after a resume get a fresh signal
    }
    const drop = (list: Work[]) => list.filter((w) => !ids.has(w.photo.setId));
    // Read the lists again: some may have been sent while we asked.
    const dropped = [...this.pending, ...this.retryReady].filter((w) => ids.has(w.photo.setId));
    this.pending = drop(this.pending);
    this.retryReady = drop(this.retryReady);
    await this.release(dropped);
  }

  /** Hands photos we hold but will not send back to the queue, uncounted. */
  private async release(works: Work[]): Promise<void> {
    if (works.length === 0) return;
    const photoIds = works.flatMap((w) => [w.photo.id, ...w.followers.map((f) => f.id)]);
    for (const w of works) this.done(w);
    await releasePhotos(this.owner, photoIds);
    this.outstanding -= photoIds.length;
    for (const w of works) this.count(w.photo.setId, (s) => (s.c.images -= 1 + w.followers.length));
    this.opts.debug?.(`released ${photoIds.length} photos of paused/cancelled sets`);
    this.poke();
  }

  /**
   * The background worker serves many sets at once: a set whose photos are all
   * answered gets its run closed (FINISHED, final figures) now, not when the
   * whole queue drains. Not while this engine still holds one of its photos
   * (in flight or waiting for a retry) or any is queued or with another worker.
   */
  private async closeFinishedRuns(): Promise<void> {
    if (this.opts.mode !== "forever" || this.closingRuns) return;
    const isAnswered = (r: { stats: RunStats }) => {
      const c = r.stats.c;
      return c.images > 0 && c.images === c.analyzed + c.cached + c.skipped + c.failed;
    };
    const answered = [...this.runs].filter(([, r]) => isAnswered(r));
    if (answered.length === 0) return;
    this.closingRuns = true;
    try {
      const busy = await db().photo.groupBy({
        by: ["setId"],
        where: { setId: { in: answered.map(([setId]) => setId) }, state: { in: ["QUEUED", "ANALYZING"] } },
        _count: { _all: true },
      });
      const stillBusy = new Set(busy.map((b) => b.setId));
      // Checked again: photos may have been claimed while we asked.
      const finished = answered.filter(([setId, r]) => !stillBusy.has(setId) && this.runs.get(setId) === r && isAnswered(r));
      if (finished.length === 0) return;
      // From here a new photo of these sets starts a new run.
      for (const [setId] of finished) this.runs.delete(setId);
      // Results still in the writer's buffer belong to these runs: saved before the run reads FINISHED.
      await this.writer.flush();
      await this.writeStats(true, false, finished.map(([, r]) => r));
      this.opts.onRunsFinished?.(finished.map(([setId]) => setId));
    } finally {
      this.closingRuns = false;
    }
  }

  private async writeStats(final: boolean, cancelled = false, runs = [...this.runs.values()]): Promise<void> {
    const binding = this.scheduler.binding();
    const updates = runs.map(async (r) => {
      const c = r.stats.c;
      const remaining = Math.max(0, c.images - c.analyzed - c.cached - c.skipped - c.failed);
      const g = {
        concurrency: this.scheduler.requestsInFlight,
        concurrencyLimit: this.scheduler.limit,
        backingOff: this.scheduler.budget.isPaused(Date.now()),
        ceilingRps: this.scheduler.ceilingRps,
        limit: r.stats.limitUse(this.scheduler.budget.limits, binding),
      };
      const data = r.stats.live(g, remaining);
      if (final) {
        const rep = r.stats.report(g.ceilingRps, cancelled, g.limit);
        Object.assign(data, {
          requestsPerS: rep.requestsPerS,
          imagesPerS: rep.imagesPerS,
          etaS: 0,
          concurrency: 0,
          backingOff: false,
          advice: rep.advice.join("\n") || null,
          status: cancelled ? "CANCELLED" : this.fatal ? "FAILED" : "FINISHED",
          finishedAt: new Date(),
        });
      }
      await db().analysisRun.update({ where: { id: r.stats.runId }, data });
    });
    this.writes = Promise.all([this.writes, ...updates]).catch((err: unknown) => console.error("[analysis] stats write failed", err));
    await this.writes;
  }

  private async finish(): Promise<RunReport> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const cancelled = this.signal.aborted;
    await this.writer.flush();
    this.writer.close();
    await this.scheduler.close();
    // Whatever we still hold goes back to the queue: nothing is lost.
    await releasePhotos(this.owner).catch(() => undefined);
    await this.writeStats(true, cancelled);
    if (this.ownsShared) await this.shared?.close();
    const rep = this.total.report(this.scheduler.ceilingRps, cancelled, this.total.limitUse(this.scheduler.budget.limits, this.scheduler.binding()));
    const first = [...this.runs.values()][0];
    if (this.fatal) rep.lastError = this.fatal;
    return { ...rep, runId: this.runs.size === 1 && first ? first.stats.runId : "" };
  }

  stop(): void {
    this.ac.abort(new Error("stopped"));
  }
}
