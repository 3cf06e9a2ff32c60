// Linux /proc reads for tests and benchmarks that watch other processes.
import { readFileSync, readdirSync } from "node:fs";

/**
 * The fields of /proc/<pid>/stat after the command name (so index 0 is the
 * state, 1 the parent pid, 11/12 utime/stime in ticks), or null when the
 * process is gone.
 */
export function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU time (ms) a process has used so far; USER_HZ is 100 on Linux. */
export function cpuMs(pid: number): number {
  const f = procStat(pid);
  return f ? (Number(f[11]) + Number(f[12])) * 10 : 0;
}

/** Whether a process has ended (no /proc entry, or a zombie nobody has reaped yet). */
export function gone(pid: number): boolean {
  const f = procStat(pid);
  return !f || f[0] === "Z";
}

/** Child processes of `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && procStat(Number(entry))?.[1] === String(pid))
    .map(Number);
}
