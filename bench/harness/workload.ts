// What a workload module (bench/workloads/<name>.ts) exports as default: its cases and one implementation
// per engine. Adding a workload is adding that file (and, for the Python peers, bench/py/workloads/<name>.py).
import type { Deepts } from "../engines/deepts.js";
import type { Jax } from "../engines/jax.js";
import type { Ort } from "../engines/ort.js";
import type { Tfjs } from "../engines/tfjs.js";
import type { BenchCase, Impl, NodeEngine } from "./types.js";

/** What each Node engine's implementation receives (see bench/engines/). */
export interface Contexts {
  "deepts-native": Deepts;
  "deepts-js": Deepts;
  "tfjs-cpu": Tfjs;
  "tfjs-wasm": Tfjs;
  ort: Ort;
  "jax-js": Jax;
}

export interface Workload<S = unknown> {
  /** File name without extension; `--only` matches it and the case names. */
  name: string;
  description: string;
  cases: BenchCase<S>[];
  /** Node engines; a missing entry shows as "n/a" with `missing[engine]` (or "not implemented") as reason. */
  impls: { [E in NodeEngine]?: Impl<Contexts[E], S> };
  /** Reasons shown for engines that cannot run this workload at all (e.g. ONNX Runtime has no training). */
  missing?: Partial<Record<string, string>>;
}

/** Identity helper that type-checks a workload module's default export. */
export function defineWorkload<S>(w: Workload<S>): Workload<S> {
  return w;
}
