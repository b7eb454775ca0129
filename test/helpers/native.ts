import type { Addon } from "../../src/backends/native/addon.js";

export interface NativeSettings {
  /** Instruction sets to run on: every one the CPU supports (default), the active one, or a list. */
  isas?: "all" | "current" | readonly string[];
  /** Thread counts (default 1, 2 and 3: 3 gives uneven partitions on 2 cores), or the current one. */
  threads?: "current" | readonly number[];
}

/**
 * Runs `f` once per instruction set and thread count of the native addon, labelled "avx2, 2 thread(s)",
 * and restores the addon's settings afterwards (also when `f` throws).
 */
export function eachNativeSetting(addon: Addon, f: (label: string) => void, opts: NativeSettings = {}): void {
  const { isa, isas, threads } = addon.info();
  const isaList = opts.isas === "current" ? [isa] : opts.isas === undefined || opts.isas === "all" ? isas : opts.isas;
  const threadList = opts.threads === "current" ? [threads] : (opts.threads ?? [1, 2, 3]);
  try {
    for (const name of isaList)
      for (const t of threadList) {
        addon.setIsa(name);
        addon.setNumThreads(t);
        f(`${name}, ${t} thread(s)`);
      }
  } finally {
    addon.setIsa(isa);
    addon.setNumThreads(threads);
  }
}
