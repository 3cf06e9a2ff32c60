// Batch size: starts at batch_size (capped at 8, the provider's ceiling), is
// halved when batches fail as a whole or answer for the wrong images or are
// slow (latency above half of fast_timeout, so a batch is not aborted for being
// big), and grows back by one after a run of clean batches, up to
// optimal_batch_size. Pure arithmetic.

export const MAX_BATCH = 8;
const CLEAN_TO_GROW = 20;

export class BatchSizer {
  private size: number;
  private clean = 0;
  private readonly max: number;

  constructor(
    batchSize: number,
    optimalBatchSize: number,
    private readonly slowMs: number,
  ) {
    this.size = clamp(batchSize);
    this.max = Math.max(this.size, clamp(optimalBatchSize));
  }

  get current(): number {
    return this.size;
  }

  /** A batch of `n` images finished: `failedImages` came back wrong or the request failed. */
  record(n: number, failedImages: number, latencyMs: number): void {
    // A failing single image says nothing about batch size; a clean one still
    // counts towards growing back.
    if (n > 1 && (failedImages > 0 || latencyMs > this.slowMs)) {
      this.clean = 0;
      this.size = Math.max(1, Math.floor(this.size / 2));
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

/** Cuts `items` into batches of `size` (the last may be smaller). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  const s = Math.max(1, Math.floor(size));
  for (let i = 0; i < items.length; i += s) out.push(items.slice(i, i + s));
  return out;
}
