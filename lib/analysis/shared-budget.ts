// One request budget shared by every process (web server + `npm run worker`s)
// through Redis: a bottleneck limiter in clustered mode whose reservoir is a
// token bucket kept in Redis (bottleneck's Lua scripts refill it by elapsed
// time). Each process still runs its own RateBudget and concurrency; this only
// hands out permission to start a request, one reservoir unit each.
//
// Window safety: a bucket of capacity C refilled at r per second admits at most
// C + 60 r requests in any 60 s window, so r = (limit - C) / 60 keeps every
// window at or under the limit without a shared log.
import Bottleneck from "bottleneck";
import Redis from "ioredis";

export interface SharedBucketParams {
  reservoir: number;
  reservoirIncreaseAmount: number;
  reservoirIncreaseInterval: number;
  reservoirIncreaseMaximum: number;
}

export function sharedBucketParams(requestsPerMinute: number, burstSeconds: number): SharedBucketParams {
  const perS = requestsPerMinute / 60;
  // Capacity: the burst (at least one request), never more than a fifth of the minute's budget.
  const capacity = Math.max(1, Math.min(Math.floor(perS * burstSeconds), Math.floor(requestsPerMinute / 5)));
  const refillPerS = (requestsPerMinute - capacity) / 60;
  // Refill in steps of ~100 ms (integer units, so intervals are exact).
  const amount = Math.max(1, Math.round(refillPerS / 10));
  return {
    reservoir: capacity,
    reservoirIncreaseAmount: amount,
    reservoirIncreaseInterval: (amount / refillPerS) * 1000,
    reservoirIncreaseMaximum: capacity,
  };
}

export interface SharedBudget {
  acquire(): Promise<void>;
  close(): Promise<void>;
}

export interface SharedBudgetOptions {
  redisUrl: string;
  /** Limiter id: one budget per provider account and model. */
  key: string;
  requestsPerMinute: number;
  burstSeconds: number;
  /** Redis keys expire after this long without use (a crashed fleet leaves nothing behind). */
  keyTtlMs?: number;
}

export function createSharedBudget(opts: SharedBudgetOptions): SharedBudget {
  const client = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
  const connection = new Bottleneck.IORedisConnection({ client });
  const limiter = new Bottleneck({
    id: `instaorganizer:${opts.key}`,
    datastore: "ioredis",
    connection,
    clearDatastore: false,
    timeout: opts.keyTtlMs ?? 10 * 60_000,
    // The reservoir is refilled by the Lua tick that each heartbeat runs; the
    // default 5 s heartbeat would release budget in 5 s lumps.
    heartbeatInterval: 50,
    ...sharedBucketParams(opts.requestsPerMinute, opts.burstSeconds),
  });
  limiter.on("error", (err: unknown) => console.error("[analysis] shared budget:", err));
  return {
    // The job itself is empty: running it means one reservoir unit was taken.
    // The expiration frees its cluster-wide bookkeeping even if we die.
    acquire: () => limiter.schedule({ expiration: 30_000 }, async () => undefined),
    close: async () => {
      await limiter.disconnect(false);
      client.disconnect();
    },
  };
}
