// Every environment variable the app reads, validated once. Nothing else in the
// code reads process.env directly (tests set variables before the first call).
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["0", "1", "true", "false", ""])
  .transform((v) => v === "1" || v === "true");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  STORAGE_DIR: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(100_000_000),
  // Per team, the originals it may keep (lib/storage/quota.ts); unset = unlimited.
  TEAM_STORAGE_QUOTA_BYTES: z.coerce.number().int().positive().optional(),
  ANALYSIS_MAX_SIDE: z.coerce.number().int().min(256).max(4096).default(1024),
  // Tiles of 336 px the analysis JPEG may span (Llama 4 bills 144 tokens a tile): docs/decisions/011.
  ANALYSIS_MAX_TILES: z.coerce.number().int().min(1).max(16).default(6),
  PHASH_THRESHOLD: z.coerce.number().int().min(0).max(32).default(10),
  AI_PROVIDER: z.enum(["llama", "openai-compatible", "local"]).optional(),
  LLAMA_API_KEY: z.string().optional(),
  // No defaults here: lib/config applies them, below a config file's llama.base_url / llama.model.
  LLAMA_API_BASE_URL: z.string().url().optional(),
  LLAMA_MODEL: z.string().optional(),
  OPENAI_COMPAT_BASE_URL: z.string().url().optional(),
  OPENAI_COMPAT_API_KEY: z.string().optional(),
  OPENAI_COMPAT_MODEL: z.string().optional(),
  ORGANIZER_CONFIG: z.string().optional(),
  // Overrides of config keys (lib/config/keys.ts); kept as text here because
  // lib/config checks them and names the key and allowed range when refusing one.
  PARALLEL_WORKERS: z.string().optional(),
  BATCH_SIZE: z.string().optional(),
  MAX_RETRIES: z.string().optional(),
  ANALYSIS_TIMEOUT: z.string().optional(),
  RATE_LIMIT_DELAY: z.string().optional(),
  BATCH_DELAY: z.string().optional(),
  LLAMA_MAX_RPM: z.string().optional(),
  LLAMA_MAX_TPM: z.string().optional(),
  LLAMA_MAX_CONCURRENT: z.string().optional(),
  LLAMA_ADAPTIVE: z.string().optional(),
  LLAMA_BURST: z.string().optional(),
  LLAMA_OPTIMAL_BATCH_SIZE: z.string().optional(),
  LLAMA_FAST_TIMEOUT: z.string().optional(),
  ENABLE_FAST_MODE: z.string().optional(),
  FAST_MODE_MIN_SHARPNESS: z.string().optional(),
  FAST_MODE_MIN_BRIGHTNESS: z.string().optional(),
  FAST_MODE_MAX_BRIGHTNESS: z.string().optional(),
  FACES_ENABLED: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
  LLAMA_DEBUG: bool.default(false),
  RUN_WORKERS: bool.default(true),
  // Analysis leases: a worker that dies holds its photos at most this long.
  ANALYSIS_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  // Image-pipeline leases, renewed while a photo is being processed: a worker
  // that dies mid-decode holds its photo at most this long.
  IMAGE_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  // lib/organize: how many photos "Best picks" holds.
  BEST_PICKS_COUNT: z.coerce.number().int().min(1).max(500).default(12),
  // Behind a reverse proxy that sets X-Forwarded-For: trust it for the
  // per-address sign-in limit (lib/auth/throttle.ts). Off by default.
  TRUST_PROXY: bool.default(false),
  // Sign-ups one client address may make per 15 minutes (only with TRUST_PROXY).
  SIGNUP_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(5),
  // Database queries that take at least this long are logged (lib/db); 0 logs every query.
  SLOW_QUERY_MS: z.coerce.number().int().min(0).default(500),
  // The app server's limits on slow clients (lib/server/slow-clients.ts).
  // Uploads are large and links can be slow, so the body is judged by
  // progress (a minimum rate), not by a deadline.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  HTTP_BODY_MIN_RATE: z.coerce.number().int().min(0).default(1024),
  HTTP_BODY_WINDOW_MS: z.coerce.number().int().min(100).default(30_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(3_600_000),
});

export type Env = z.infer<typeof schema> & { dataDir: string; storageDir: string };

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const raw = Object.fromEntries(
    Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const dataDir = path.resolve(/*turbopackIgnore: true*/ parsed.data.DATA_DIR);
  cached = {
    ...parsed.data,
    dataDir,
    storageDir: path.resolve(/*turbopackIgnore: true*/ parsed.data.STORAGE_DIR ?? path.join(dataDir, "storage")),
  };
  return cached;
}

/**
 * True when the app's configured public URL (NEXTAUTH_URL) is https: cookies
 * are then Secure and answers carry HSTS, whatever scheme the request itself
 * arrived with (a TLS-terminating proxy forwards plain http).
 */
export function publicUrlIsHttps(): boolean {
  return (getEnv().NEXTAUTH_URL ?? "").startsWith("https://");
}

/** Tests that change variables between cases call this. */
export function resetEnvCache(): void {
  cached = undefined;
}
