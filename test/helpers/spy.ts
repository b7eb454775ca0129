// Watching which kernels an op runs: wraps kernels of the active backend for the duration of a call.
import type { Kernels } from "../../src/backends/backend.js";
import { kernels } from "../../src/backends/index.js";

type Fn = (...args: never[]) => unknown;
/** Per kernel name, a function that sees each call's arguments before the kernel runs. */
export type KernelSpies = { [K in keyof Kernels]?: Kernels[K] extends Fn ? (...args: Parameters<Kernels[K]>) => void : never };

/** Runs f with the kernels named in `spies` wrapped by them; the kernels are restored afterwards (also on throw). */
export function withKernelSpies<T>(spies: KernelSpies, f: () => T): T {
  const k = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved: [string, (...a: unknown[]) => unknown][] = [];
  for (const [name, spy] of Object.entries(spies) as [string, (...a: unknown[]) => void][]) {
    const orig = k[name];
    saved.push([name, orig]);
    k[name] = (...a: unknown[]) => {
      spy(...a);
      return orig(...a);
    };
  }
  try {
    return f();
  } finally {
    for (const [name, orig] of saved) k[name] = orig;
  }
}
