// Password hashing with node's scrypt (memory-hard, no native dependency) and
// the rules a new password must meet.
//
// Every scrypt call passes one gate: at most one per core at a time, a short
// queue, and past that a refusal ("busy") instead of more work. Each call is
// ~50 ms of CPU and 16 MB; anyone can ask for one (a sign-in with a made-up
// e-mail, a sign-up, a share password), and without the gate 40 parallel
// sign-ins for unknown e-mails were 40 scrypt runs at once with nothing
// throttled. A refused check counts as no attempt at all.
import { availableParallelism } from "node:os";
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import Bottleneck from "bottleneck";
import { z } from "zod";
import { AppError } from "@/lib/errors";

const scryptRaw = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const HASH_CONCURRENCY = Math.max(1, availableParallelism());
/** Checks waiting beyond the running ones before new ones are refused (~0.5 s of work per core). */
export const HASH_QUEUE = HASH_CONCURRENCY * 8;

const gate = new Bottleneck({ maxConcurrent: HASH_CONCURRENCY, highWater: HASH_QUEUE, strategy: Bottleneck.strategy.OVERFLOW });
let running = 0;
let peak = 0;

/** Running and most-ever-running scrypt calls (tests check the bound). */
export function hashingStats(): { running: number; peak: number } {
  return { running, peak };
}

export class HashingBusyError extends AppError {
  constructor() {
    super("too_many_requests", "The server is checking too many passwords right now. Try again in a few seconds.");
  }
}

async function scrypt(pw: string, salt: Buffer, len: number, opts: object): Promise<Buffer> {
  try {
    return await gate.schedule(async () => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await scryptRaw(pw, salt, len, opts);
      } finally {
        running--;
      }
    });
  } catch (err) {
    if (err instanceof Bottleneck.BottleneckError) throw new HashingBusyError();
    throw err;
  }
}
const KEY_LEN = 32;

export const passwordSchema = z
  .string()
  .min(10, "Password must be at least 10 characters.")
  .max(200, "Password must be at most 200 characters.")
  .refine((p) => new Set(p).size >= 4, "Password is too repetitive.");

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, KEY_LEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, keyB64] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, "base64");
  const key = await scrypt(password.normalize("NFKC"), Buffer.from(saltB64, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spend the same time as a real check when the account does not exist. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("not-a-real-password-0");
  await verifyPassword(password, await dummyHash);
}
