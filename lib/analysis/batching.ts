// Batch size. `batch_size: N` is honoured as given. `auto` (the default) sends
// the largest batch the model takes (optimal_batch_size, at most 8): under a
// requests/minute limit photos per request IS the throughput, and under a
// token or capacity limit a bigger batch costs nothing extra (the prompt text
// is shared). It halves only when batches fail as a batch (an answer missing
// or garbling photos, a cut-off answer, a timeout) and grows back by one after
// a run of clean batches. A 429 says nothing about batch size, and latency that
// grows with the answer's length is expected: neither shrinks it. The only
// latency bound is that a batch must be answerable well inside the request
// timeout (the caller passes the largest size that is). Pure arithmetic.

export const MAX_BATCH = 8;
const CLEAN_TO_GROW = 10;

export class BatchSizer {
  private size: number;
  private clean = 0;
  private readonly max: number;
  readonly fixed: boolean;

  /** `batchSize` is a number (fixed) or "auto" (between 1 and optimalBatchSize). */
  constructor(batchSize: number | "auto", optimalBatchSize: number) {
    this.fixed = batchSize !== "auto";
    this.max = this.fixed ? clamp(batchSize as number) : clamp(optimalBatchSize);
    this.size = this.max;
  }

  /** The size to send now; `fitsInTime` is the largest batch answerable well inside the timeout. */
  current(fitsInTime = MAX_BATCH): number {
    if (this.fixed) return this.size;
    return Math.max(1, Math.min(this.size, Math.floor(fitsInTime)));
  }

  /** The largest size auto may reach (the fixed size when fixed). */
  get ceiling(): number {
    return this.max;
  }

  /**
   * A batch of `n` images was answered: `failedImages` came back missing or
   * unusable, or the whole request failed as a batch (timeout, unusable answer).
   */
  record(n: number, failedImages: number): void {
    if (this.fixed) return;
    // A single image failing says nothing about batch size. Half of the batch that
    // failed, not of the current size: 50 batches of 8 sent together that time out
    // together (a provider past its capacity) are one lesson - 4 - not 50 halvings.
    if (n > 1 && failedImages > 0) {
      this.clean = 0;
      this.size = Math.max(1, Math.min(this.size, Math.floor(n / 2)));
      return;
    }
    if (failedImages > 0) return;
    this.clean += 1;
    if (this.clean >= CLEAN_TO_GROW && this.size < this.max) {
      this.clean = 0;
      this.size += 1;
    }
  }
}

function clamp(n: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(n)));
}

/** What the batch picker needs to know of a photo waiting for a request. */
export interface Batchable {
  photo: { teamId: string };
  /** Must go alone (its answer failed inside a batch before). */
  single: boolean;
}

/**
 * Takes the next batch out of `queue` (in order): up to `size` photos of the
 * first photo's TEAM only, so text in one team's photo can never steer another
 * team's caption; a photo marked single goes alone. Several sets of one team
 * may share a request (each set is booked for it).
 */
export function takeBatch<T extends Batchable>(queue: T[], size: number): T[] {
  const head = queue[0];
  if (!head) return [];
  if (head.single) return [queue.shift() as T];
  const batch: T[] = [];
  for (let i = 0; i < queue.length && batch.length < size; ) {
    const w = queue[i] as T;
    if (w.single || w.photo.teamId !== head.photo.teamId) {
      i++;
      continue;
    }
    batch.push(w);
    queue.splice(i, 1);
  }
  return batch;
}

/** Cuts `items` into batches of `size` (the last may be smaller). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  const s = Math.max(1, Math.floor(size));
  for (let i = 0; i < items.length; i += s) out.push(items.slice(i, i + s));
  return out;
}
