// The shapes every part of the benchmark shares: engines, workloads, cases and measured results.

/** Marks protocol lines on a child's stdout (libraries print there too). */
export const PREFIX = "@@bench ";

/** Engines that run in a Node child (bench/harness/child.ts). */
export type NodeEngine = "deepts-native" | "deepts-js" | "tfjs-cpu" | "tfjs-wasm" | "ort" | "jax-js";
/** Engines that run in the Python worker (bench/py/worker.py). */
export type PythonEngine = "tf" | "torch" | "numpy";
export type EngineName = NodeEngine | PythonEngine;

/** One repetition of a workload: everything to time, including waiting for the result to exist. */
export type Step = () => unknown;

/** A size or variant of a workload; `spec` is plain JSON, handed unchanged to every engine (TS and Python). */
export interface BenchCase<S = unknown> {
  /** Shown in the table, unique within its workload, e.g. "1024³". */
  name: string;
  spec: S;
  /** Floating-point operations in one repetition, for the GFLOP/s column. */
  flops?: number;
  /** Part of `--quick` runs (CI smoke). */
  quick?: boolean;
  /** Part of full runs (default true; false for smoke-only sizes). */
  full?: boolean;
}

/**
 * Builds one engine's repetition for a case: set-up (allocation, weights, model construction) happens
 * here and is not timed; the returned step is. Throw `NotAvailable` when the engine cannot run it.
 */
export type Impl<Ctx, S> = (ctx: Ctx, spec: S) => Step | Promise<Step>;

/** Raised by an implementation (or an engine loader) to report "n/a" with a reason instead of failing. */
export class NotAvailable extends Error {
  override readonly name = "NotAvailable";
}

/** Result of one engine on one case. */
export interface EngineResult {
  engine: EngineName;
  /** Timed repetitions in milliseconds (warm-up excluded unless `note` says otherwise). */
  times: number[];
  /** Warm-up time of the first run, ms (includes one-off compilation / kernel selection). */
  warmupMs?: number;
  /** Peak resident set size of the engine's process, bytes. */
  maxRssBytes?: number;
  /** Threads the engine actually computes with. */
  threads?: number;
  /** Library version the child reported. */
  version?: string;
  /** Why there is no figure: "n/a: ...", "error: ...", "timeout". */
  unavailable?: string;
  /** Caveats, e.g. "3 reps (time cap)". */
  note?: string;
}

export interface CaseResult {
  workload: string;
  caseName: string;
  flops?: number;
  results: EngineResult[];
}
