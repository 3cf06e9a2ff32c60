import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, PRESETS, PROFILES, flagsFromArgs, resolveConfig } from "@/lib/config";

const dir = mkdtempSync(path.join(tmpdir(), "config-test-"));
let n = 0;
function file(content: unknown): string {
  const p = path.join(dir, `c${n++}.json`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

const GUIDE_FILE = {
  ai_provider: "llama",
  performance: {
    ai_analysis: { parallel_workers: 25, batch_size: 5, max_retries: 3, timeout: 60, rate_limit_delay: 0.5, batch_delay: 1.0 },
  },
  llama: {
    performance: {
      max_requests_per_minute: 3000,
      max_concurrent_requests: 50,
      adaptive_rate_limiting: true,
      burst_mode: true,
      optimal_batch_size: 8,
      fast_timeout: 30,
    },
  },
};

describe("resolveConfig", () => {
  it("accepts the guide's optimized settings block verbatim", () => {
    const c = resolveConfig({ file: file(GUIDE_FILE), env: { LLAMA_API_KEY: "k" } });
    expect(c).toMatchObject({
      provider: "llama",
      parallelWorkers: 25,
      batchSize: 5,
      maxRetries: 3,
      timeoutS: 60,
      rateLimitDelayS: 0.5,
      batchDelayS: 1,
      maxRequestsPerMinute: 3000,
      maxConcurrentRequests: 50,
      adaptiveRateLimiting: true,
      burstMode: true,
      optimalBatchSize: 8,
      fastTimeoutS: 30,
      apiKey: "k",
      model: "Llama-4-Maverick-17B-128E-Instruct-FP8",
      baseUrl: "https://api.llama.com/v1",
    });
  });

  it("uses the optimized profile by default; profiles differ in how they start and back off, none caps itself below the limit", () => {
    // Every profile sends auto-sized batches and lets concurrency follow the binding limit (ADR 022).
    expect(resolveConfig({ env: {} })).toMatchObject({ profile: "optimized", parallelWorkers: 25, batchSize: "auto", maxConcurrentRequests: 128 });
    expect(resolveConfig({ env: {}, profile: "conservative" })).toMatchObject({
      parallelWorkers: 10,
      batchSize: "auto",
      rateLimitDelayS: 1,
      maxConcurrentRequests: 64,
    });
    expect(resolveConfig({ env: {}, profile: "high-throughput" })).toMatchObject({
      parallelWorkers: 50,
      batchSize: "auto",
      rateLimitDelayS: 0.2,
      maxConcurrentRequests: 256,
      batchDelayS: 0,
    });
    expect(Object.keys(PROFILES)).toEqual(["conservative", "optimized", "high-throughput"]);
  });

  it("applies the use-case presets including enable_fast_mode", () => {
    expect(resolveConfig({ env: {}, preset: "studio" })).toMatchObject({ parallelWorkers: 50, batchSize: "auto", rateLimitDelayS: 0.2, enableFastMode: true });
    expect(resolveConfig({ env: {}, preset: "creator" })).toMatchObject({ parallelWorkers: 25, batchSize: "auto", enableFastMode: true });
    expect(resolveConfig({ env: {}, preset: "casual" })).toMatchObject({ parallelWorkers: 10, batchSize: "auto", rateLimitDelayS: 1, enableFastMode: false });
    expect(Object.keys(PRESETS)).toEqual(["studio", "creator", "casual"]);
  });

  it("layers defaults < profile < preset < file < env < flags, and records the layers", () => {
    const f = file({ performance: { ai_analysis: { batch_size: 2, parallel_workers: 7, max_retries: 1 } }, llama: { performance: { fast_timeout: 12 } } });
    const c = resolveConfig({
      file: f,
      profile: "conservative",
      preset: "studio",
      env: { BATCH_SIZE: "4", PARALLEL_WORKERS: "9", LLAMA_MAX_RPM: "600" },
      flags: { parallelWorkers: 11 },
    });
    expect(c.maxConcurrentRequests).toBe(64); // profile
    expect(c.enableFastMode).toBe(true); // preset
    expect(c.rateLimitDelayS).toBe(0.2); // preset over profile
    expect(c.maxRetries).toBe(1); // file
    expect(c.fastTimeoutS).toBe(12); // file
    expect(c.batchSize).toBe(4); // env over file
    expect(c.maxRequestsPerMinute).toBe(600); // env
    expect(c.parallelWorkers).toBe(11); // flag over env
    expect(c.sources).toEqual([
      "defaults",
      "profile:conservative",
      "preset:studio",
      `file:${f}`,
      "env:PARALLEL_WORKERS",
      "env:BATCH_SIZE",
      "env:LLAMA_MAX_RPM",
      "flag:--parallel-workers",
    ]);
  });

  it("reads the file named by ORGANIZER_CONFIG and a profile chosen inside it, which an explicit profile overrides", () => {
    const f = file({ profile: "high-throughput", llama: { model: "Llama-4-Scout-17B-16E-Instruct-FP8", base_url: "http://127.0.0.1:9/v1/" } });
    const c = resolveConfig({ env: { ORGANIZER_CONFIG: f, LLAMA_API_KEY: "k" } });
    expect(c.profile).toBe("high-throughput");
    expect(c.maxConcurrentRequests).toBe(256);
    expect(c.model).toBe("Llama-4-Scout-17B-16E-Instruct-FP8");
    expect(c.baseUrl).toBe("http://127.0.0.1:9/v1");
    expect(resolveConfig({ env: { ORGANIZER_CONFIG: f }, profile: "conservative" }).maxConcurrentRequests).toBe(64);
  });

  it("refuses a bad value with the key's full path and what is allowed", () => {
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ performance: { ai_analysis: { batch_size: 12 } } }) })).message).toBe(
      'performance.ai_analysis.batch_size: must be "auto" or an integer from 1 to 8 (got 12)',
    );
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ llama: { performance: { burst_mode: "yes" } } }) })).message).toBe(
      'llama.performance.burst_mode: must be true or false (got "yes")',
    );
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ performance: { ai_analysis: { parallel_workers: 2.5 } } }) })).message).toContain(
      "performance.ai_analysis.parallel_workers: must be an integer from 1 to 256 (got 2.5)",
    );
    expect(errorOf(() => resolveConfig({ env: { LLAMA_MAX_RPM: "lots" } })).message).toBe(
      'LLAMA_MAX_RPM (llama.performance.max_requests_per_minute): must be an integer from 1 to 1000000 (got "lots")',
    );
    expect(errorOf(() => resolveConfig({ env: {}, flags: { batchSize: 0 } })).message).toBe(
      '--batch-size (performance.ai_analysis.batch_size): must be "auto" or an integer from 1 to 8 (got 0)',
    );
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ ai_provider: "gpt" }) })).message).toBe(
      'ai_provider: must be one of "llama", "openai-compatible", "local" (got "gpt")',
    );
  });

  it("reports every problem at once", () => {
    const e = errorOf(() =>
      resolveConfig({ env: { BATCH_SIZE: "9" }, file: file({ performance: { ai_analysis: { timeout: -1 } }, enable_fast_mode: 1 }) }),
    );
    expect(e.issues).toHaveLength(3);
    expect(e.message).toMatch(/^Invalid configuration:\n/);
  });

  it("refuses unknown keys with a did-you-mean", () => {
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ performance: { ai_analysis: { batch_sise: 3 } } }) })).message).toBe(
      'performance.ai_analysis.batch_sise: unknown key (did you mean "performance.ai_analysis.batch_size"?)',
    );
    // The right name under the wrong parent is found by its last segment.
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ performance: { fast_timeout: 3 } }) })).message).toBe(
      'performance.fast_timeout: unknown key (did you mean "llama.performance.fast_timeout"?)',
    );
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ colour: "red" }) })).message).toBe("colour: unknown key");
    expect(errorOf(() => resolveConfig({ env: {}, profile: "optimised" })).message).toBe(
      'profile: must be one of "conservative", "optimized", "high-throughput" (got "optimised"); did you mean "optimized"?',
    );
  });

  it("explains an unreadable or non-object file", () => {
    expect(errorOf(() => resolveConfig({ env: {}, file: path.join(dir, "missing.json") })).message).toContain("file not found");
    expect(errorOf(() => resolveConfig({ env: {}, file: file("{ not json") })).message).toContain("cannot read the config file");
    expect(errorOf(() => resolveConfig({ env: {}, file: file("[1]") })).message).toContain("must hold a JSON object");
  });

  it("refuses fast-mode brightness bounds that overlap", () => {
    expect(errorOf(() => resolveConfig({ env: {}, file: file({ fast_mode: { min_brightness: 0.9, max_brightness: 0.5 } }) })).message).toContain(
      "fast_mode.min_brightness: must be below fast_mode.max_brightness",
    );
  });
});

describe("provider resolution", () => {
  it("falls back to local and says so honestly when no key is set", () => {
    const c = resolveConfig({ env: {} });
    expect(c.provider).toBe("local");
    expect(c.providerNote).toBe("No LLAMA_API_KEY set: photos are measured locally, not analysed by AI.");
    expect(c.apiKey).toBeUndefined();
  });

  it("chooses llama when LLAMA_API_KEY is set, with env base URL and model", () => {
    const c = resolveConfig({ env: { LLAMA_API_KEY: "secret", LLAMA_API_BASE_URL: "http://127.0.0.1:1/v1", LLAMA_MODEL: "m" } });
    expect(c).toMatchObject({ provider: "llama", apiKey: "secret", baseUrl: "http://127.0.0.1:1/v1", model: "m" });
    expect(c.providerNote).toBeUndefined();
  });

  it("honours an explicit ai_provider over the key, and AI_PROVIDER over the file", () => {
    expect(resolveConfig({ env: { LLAMA_API_KEY: "k", AI_PROVIDER: "local" } }).provider).toBe("local");
    expect(resolveConfig({ env: { LLAMA_API_KEY: "k" }, file: file({ ai_provider: "local" }) }).provider).toBe("local");
    expect(resolveConfig({ env: { LLAMA_API_KEY: "k", AI_PROVIDER: "llama" }, file: file({ ai_provider: "local" }) }).provider).toBe("llama");
    expect(resolveConfig({ env: { LLAMA_API_KEY: "k" }, flags: { provider: "local" } }).provider).toBe("local");
  });

  it("refuses llama without a key", () => {
    expect(errorOf(() => resolveConfig({ env: { AI_PROVIDER: "llama" } })).message).toContain("set LLAMA_API_KEY");
  });

  it("configures openai-compatible from its own keys and requires base URL and model", () => {
    const c = resolveConfig({
      env: { AI_PROVIDER: "openai-compatible", OPENAI_COMPAT_BASE_URL: "http://localhost:11434/v1", OPENAI_COMPAT_MODEL: "llama3.2-vision" },
    });
    expect(c).toMatchObject({ provider: "openai-compatible", baseUrl: "http://localhost:11434/v1", model: "llama3.2-vision" });
    expect(c.apiKey).toBeUndefined();
    const e = errorOf(() => resolveConfig({ env: { AI_PROVIDER: "openai-compatible" } }));
    expect(e.issues.join("\n")).toMatch(/openai_compatible\.base_url: required[\s\S]*openai_compatible\.model: required/);
  });
});

describe("flagsFromArgs", () => {
  it("turns raw CLI text into typed flags and ignores the CLI's own flags", () => {
    expect(flagsFromArgs({ "parallel-workers": "50", "--batch-size": "8", "ai-provider": "llama", burst: true, source: "/photos" })).toEqual({
      parallelWorkers: 50,
      batchSize: 8,
      provider: "llama",
      burstMode: true,
    });
  });

  it("names the flag when its text is not a number or boolean", () => {
    expect(errorOf(() => flagsFromArgs({ "batch-size": "eight" })).message).toBe('--batch-size: must be "auto" or an integer from 1 to 8 (got "eight")');
    // "auto" from a flag, the environment or the file; a number is honoured as given.
    expect(flagsFromArgs({ "batch-size": "auto" })).toEqual({ batchSize: "auto" });
    expect(resolveConfig({ env: { BATCH_SIZE: "auto" }, flags: {} }).batchSize).toBe("auto");
    expect(resolveConfig({ env: {}, file: file({ performance: { ai_analysis: { batch_size: 1 } } }) }).batchSize).toBe(1);
    expect(errorOf(() => flagsFromArgs({ adaptive: "maybe" })).message).toBe('--adaptive: must be true or false (got "maybe")');
  });
});
