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
