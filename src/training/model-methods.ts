// What Model's training methods delegate to (src/models/model.ts imports this file only).
import type { Model } from "../models/model.js";
import type { Optimizer } from "../optimizers/optimizer.js";
import { maybeCompiledState } from "./compile.js";

export { compileModel, type CompileOptions } from "./compile.js";
export { fitModel, type FitOptions } from "./fit.js";
export { evaluateModel, trainOnBatch, testOnBatch, predictOnBatch, type EvaluateOptions, type OnBatchOptions } from "./evaluate.js";
export type { History } from "./callbacks/history.js";
export type { Dataset, TensorData, NamedTensorData } from "./data.js";
export type { Logs } from "./logs.js";

/** The optimizer `model` was compiled with (null before compile). */
export function optimizerOf(model: Model): Optimizer | null {
  return maybeCompiledState(model)?.optimizer ?? null;
}

/**
 * The size of the optimizer's state once it has been built by training (Keras' "Optimizer params" in
 * summary()), else null. The step counter counts 8 bytes, as Keras' int64 `iteration`.
 */
export function optimizerParams(model: Model): { count: number; bytes: number } | null {
  const opt = maybeCompiledState(model)?.optimizer;
  if (!opt || opt.iterations === 0) return null;
  let count = 0;
  let bytes = 0;
  for (const v of opt.variables) {
    const n = v.shape.reduce((a, b) => a * b, 1);
    count += n;
    bytes += v === opt.iterationsVariable ? 8 * n : v.value.values.BYTES_PER_ELEMENT * n;
  }
  return { count, bytes };
}
