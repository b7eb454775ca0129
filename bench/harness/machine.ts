// What else the machine is doing: the share of CPU time busy over a short window (Linux /proc/stat), taken
// between cases when no engine process is alive, so it measures other processes.
import { readFileSync } from "node:fs";

function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0); // idle + iowait
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Fraction (0..1) of all CPUs busy during the next `ms` milliseconds, or null where /proc/stat is absent. */
export async function busyFraction(ms = 1000): Promise<number | null> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  if (!a || !b || b.total === a.total) return null;
  return (b.busy - a.busy) / (b.total - a.total);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
