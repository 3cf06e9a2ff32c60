// Coalesces album refreshes requested by the progress poll. While a run is
// going, every poll may see new results; recomputing a 5,000-photo set for
// each of 100 pollers would hold every database connection. So per set and
// process: at most one refresh runs at a time, at most one waits behind it
// (any number of requests collapse into it), and refreshes start at least
// `minIntervalMs` apart - longer for a set whose refresh is costly (see
// `costFactor`). The last request is always followed by a refresh.

export interface RefreshScheduler {
  request(setId: string): void;
  /** Resolves when no refresh is running or waiting (tests, shutdown). */
  idle(): Promise<void>;
}

interface SetState {
  running: boolean;
  dirty: boolean;
  lastStart: number;
  /** How long this set's last refresh took (ms). */
  lastDuration: number;
  timer?: ReturnType<typeof setTimeout>;
}

export function createRefreshScheduler(
  run: (setId: string) => Promise<unknown>,
  opts: {
    minIntervalMs: number;
    /**
     * Spacing grows with a refresh's own cost: the next start waits at least
     * costFactor x the last duration (at most maxIntervalMs), so a background
     * refresh keeps to ~1/costFactor of the time however big the set is.
     */
    costFactor?: number;
    maxIntervalMs?: number;
    now?: () => number;
    onError?: (err: unknown, setId: string) => void;
  },
): RefreshScheduler {
  const now = opts.now ?? Date.now;
  const sets = new Map<string, SetState>();
  let waiters: (() => void)[] = [];

  const busy = () => [...sets.values()].some((s) => s.running || s.dirty || s.timer);
  const settle = () => {
    if (busy()) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const pump = (setId: string, s: SetState) => {
    if (s.running || s.timer || !s.dirty) return settle();
    const spacing = Math.max(opts.minIntervalMs, Math.min(opts.maxIntervalMs ?? Infinity, (opts.costFactor ?? 0) * s.lastDuration));
    const wait = s.lastStart + spacing - now();
    if (wait > 0) {
      s.timer = setTimeout(() => {
        s.timer = undefined;
        pump(setId, s);
      }, wait);
      s.timer.unref?.();
      return;
    }
    s.dirty = false;
    s.running = true;
    s.lastStart = now();
    run(setId)
      .catch((err: unknown) => opts.onError?.(err, setId))
      .finally(() => {
        s.running = false;
        s.lastDuration = now() - s.lastStart;
        pump(setId, s);
      });
  };

  return {
    request(setId) {
      let s = sets.get(setId);
      if (!s) {
        s = { running: false, dirty: false, lastStart: -Infinity, lastDuration: 0 };
        sets.set(setId, s);
      }
      s.dirty = true;
      pump(setId, s);
    },
    idle() {
      return busy() ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve();
    },
  };
}
