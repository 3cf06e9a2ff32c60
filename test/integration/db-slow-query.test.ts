// SLOW_QUERY_MS (default 500): a query that takes at least that long is logged
// with its duration and SQL; a quick one is not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { db, ensureMigrated } from "@/lib/db";

describe("slow query log", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("logs a query over SLOW_QUERY_MS and not a quick one", async () => {
    await ensureMigrated();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await db().$queryRaw`SELECT 1 AS quick_probe`;
    await db().$queryRaw`SELECT pg_sleep(0.6)::text AS slept, 'slow_probe' AS marker`;
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines.filter((l) => l.includes("quick_probe"))).toEqual([]);
    const slow = lines.filter((l) => l.includes("slow_probe"));
    expect(slow).toHaveLength(1);
    const ms = Number(/slow query: (\d+) ms/.exec(slow[0]!)?.[1]);
    expect(ms).toBeGreaterThanOrEqual(500);
    expect(slow[0]).toContain("SLOW_QUERY_MS=500");
  });
});
