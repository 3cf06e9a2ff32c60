import { describe, expect, it } from "vitest";
import { adviceFor, resolveConfig } from "@/lib/config";

const healthy = { requests: 1000, rateLimited: 0, timeouts: 0, failures: 0, successRate: 0.99, rps: 49, ceilingRps: 50 };

describe("adviceFor (the guide's troubleshooting table)", () => {
  it("says nothing for a healthy run or no requests", () => {
    expect(adviceFor(healthy)).toEqual([]);
    expect(adviceFor({ ...healthy, requests: 0, successRate: 0 })).toEqual([]);
  });

  it("rate-limit errors: reduce parallel_workers or raise rate_limit_delay, with flags and current values", () => {
    const cfg = resolveConfig({ env: {} });
    const [line, ...rest] = adviceFor({ ...healthy, rateLimited: 100, successRate: 0.96 }, cfg);
    expect(rest).toEqual([]);
    expect(line).toContain("10%");
    expect(line).toContain("performance.ai_analysis.parallel_workers (--parallel-workers (now 25))");
    expect(line).toContain("performance.ai_analysis.rate_limit_delay (--rate-limit-delay (now 0.5))");
  });

  it("timeouts: raise fast_timeout or reduce batch_size", () => {
    const lines = adviceFor({ ...healthy, timeouts: 50, successRate: 0.96 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("llama.performance.fast_timeout (--fast-timeout)");
    expect(lines[0]).toContain("performance.ai_analysis.batch_size (--batch-size)");
  });

  it("slow: raise parallel_workers and max_concurrent_requests, reduce delays - only when not limited", () => {
    const slow = adviceFor({ ...healthy, rps: 10 });
    expect(slow).toHaveLength(1);
    expect(slow[0]).toContain("llama.performance.max_concurrent_requests (--max-concurrent)");
    expect(slow[0]).toContain("performance.ai_analysis.batch_delay");
    // Slow because of 429s is a rate-limit problem, not a reason to add workers.
    const limited = adviceFor({ ...healthy, rps: 10, rateLimited: 300 });
    expect(limited.join("\n")).not.toContain("Slow");
  });

  it("judges the binding budget by the share of it used: no 'Slow' at 97% of 6 requests/min, and a slow one is said in requests/min", () => {
    // The run's average rate reads 0.02 requests/s against 0.1 allowed; the engine measured 97% of the budget used.
    expect(adviceFor({ ...healthy, requests: 20, rps: 0.02, ceilingRps: 0.1, binding: "requests", limitUsed: 0.97 })).toEqual([]);
    const slow = adviceFor({ ...healthy, requests: 20, rps: 0.02, ceilingRps: 0.1, binding: "requests", limitUsed: 0.4 });
    expect(slow).toHaveLength(1);
    expect(slow[0]).toContain("40% of the requests/min budget used");
    // Without the engine's figure, a rate under one a second is given per minute, not as "0.0 requests/s".
    expect(adviceFor({ ...healthy, requests: 20, rps: 0.02, ceilingRps: 0.1 })[0]).toContain("1.2 requests/min of the 6.0 requests/min");
  });

  it("low success rate points at the conservative profile and max_retries", () => {
    const lines = adviceFor({ ...healthy, successRate: 0.8, failures: 12 });
    expect(lines.join("\n")).toContain("80%");
    expect(lines.join("\n")).toContain("12 failed after retries");
    expect(lines.join("\n")).toContain("--profile conservative");
  });
});
