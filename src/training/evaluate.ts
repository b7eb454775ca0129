// evaluate, and the single-batch methods trainOnBatch / testOnBatch / predictOnBatch.
import type { TensorLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Model } from "../models/model.js";
import { Callback, CallbackList } from "./callbacks/callback.js";
import { ProgbarLogger } from "./callbacks/progbar-logger.js";
import { type CompiledState, compiledState, metricNamesInOrder, outputNames, resetMetrics } from "./compile.js";
import {
  ArrayBatches, type BatchSource, type Dataset, DatasetBatches, EpochIterator, type NamedTensorData, type TensorData, classWeightToSampleWeights,
  isTensorList, toTargetList, toTensorList,
} from "./data.js";
import { type Logs, flattenMetricsInOrder } from "./logs.js";
import { metricsResult, predictStep, testStep, trainStep } from "./step.js";

export type Verbosity = 0 | 1 | 2 | "auto";

export interface EvaluateOptions {
  /** Samples per batch for tensor data (default 32). */
  batchSize?: number;
  verbose?: Verbosity;
  /** Per-sample weights of the loss (and weighted metrics). */
  sampleWeight?: TensorLike | null;
  /** Batches to run (default: all the data). */
  steps?: number | null;
  callbacks?: Callback[];
  /** Return {name: value} instead of the list [loss, ...metrics]. */
  returnDict?: boolean;
}

/**
 * True when `x` is a dataset (a function, an async iterable, or an iterable that is not an array or tensor):
 * arrays always mean tensor data (wrap an array of batches as `() => batches`).
 */
export function isDataset(x: unknown): x is Dataset {
  if (typeof x === "function") return true;
  if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  if (isTensorList([x])) return false;
  return Symbol.asyncIterator in x || Symbol.iterator in x;
}

function checkBatchSize(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: batchSize must be a positive integer, got ${n}`);
  return n;
}

/** Batches of `x`, `y` and sample weights (tensor data), or of a dataset. */
export function batchSource(
  model: Model,
  x: TensorData | Dataset,
  y: TensorData | NamedTensorData | null | undefined,
  sampleWeight: TensorLike | readonly TensorLike[] | null | undefined,
  batchSize: number,
  shuffle: boolean,
  what: string,
  classWeight: Record<number | string, number> | null = null,
): BatchSource {
  const names = outputNames(model);
  if (isDataset(x)) {
    if (y !== undefined && y !== null) throw new Error(`${what}: with a dataset, give no y (the dataset yields [x, y] batches)`);
    if (sampleWeight) throw new Error(`${what}: with a dataset, sample weights come from the dataset ([x, y, sampleWeight] batches)`);
    return new DatasetBatches(x, names, classWeight, what);
  }
  const xs = toTensorList(x as TensorData, what);
  const ys = y === undefined || y === null ? null : toTargetList(y, names, what);
  let sw: (Tensor | null)[] | null = sampleWeight ? toTensorList(sampleWeight as TensorData, what) : null;
  if (classWeight) {
    if (sw) throw new Error(`${what}: give classWeight or sampleWeight, not both`);
    if (!ys) throw new Error(`${what}: classWeight needs targets y`);
    if (ys.length > 1) throw new Error(`${what}: classWeight is only supported for models with a single output`);
    sw = [classWeightToSampleWeights(ys[0], classWeight)];
  }
  return new ArrayBatches(xs, ys, sw, checkBatchSize(what, batchSize), shuffle);
}

/** Runs the test loop over `source` with `callbacks`; returns the final logs (metrics reset first). */
export async function runEvaluation(model: Model, state: CompiledState, source: BatchSource, steps: number | null, callbacks: CallbackList): Promise<Logs> {
  const it = new EpochIterator(source, steps);
  resetMetrics(state);
  await callbacks.onTestBegin();
  let ran = false;
  for await (const [step, batch] of it.epoch()) {
    await callbacks.onTestBatchBegin(step);
    const logs = testStep(model, state, batch);
    ran = true;
    await callbacks.onTestBatchEnd(step, logs);
  }
  const logs = ran ? metricsResult(state) : {};
  await callbacks.onTestEnd(logs);
  return logs;
}

/** The callbacks of a stand-alone evaluate / predict: the user's plus a progress bar unless verbose is 0. */
export function standaloneCallbacks(model: Model, user: readonly Callback[] | undefined, verbose: Verbosity, steps: number | null): CallbackList {
  const cbs = [...(user ?? [])];
  if (verbose !== 0 && !cbs.some((c) => c instanceof ProgbarLogger)) cbs.push(new ProgbarLogger());
  return new CallbackList(cbs, model, { verbose, epochs: 1, steps });
}

/**
 * Keras' Model.evaluate: the loss and metrics over `x`, `y` (or a dataset) in inference mode, as
 * [loss, ...metrics] (a lone loss as a number) or, with returnDict, as {name: value}.
 */
export async function evaluateModel(
  model: Model,
  x: TensorData | Dataset,
  yOrOpts?: TensorData | NamedTensorData | EvaluateOptions | null,
  options?: EvaluateOptions,
): Promise<number | number[] | Logs> {
  // evaluate(dataset, opts) or evaluate(x, y, opts).
  const [y, opts] = isDataset(x) ? [null, (yOrOpts ?? options ?? {}) as EvaluateOptions] : [yOrOpts as TensorData | NamedTensorData | null, options ?? {}];
  const state = compiledState(model, "evaluate");
  const source = batchSource(model, x, y, opts.sampleWeight, opts.batchSize ?? 32, false, "evaluate");
  const steps = opts.steps ?? null;
  const cbs = standaloneCallbacks(model, opts.callbacks, opts.verbose ?? "auto", steps ?? source.numBatches);
  const logs = await runEvaluation(model, state, source, steps, cbs);
  return opts.returnDict ? logs : flattenMetricsInOrder(logs, metricNamesInOrder(state));
}

export interface OnBatchOptions {
  sampleWeight?: TensorLike | null;
  classWeight?: Record<number | string, number> | null;
  returnDict?: boolean;
}

/** One optimizer step on one batch (metrics reset first): [loss, ...metrics] before the update, or a dict. */
export function trainOnBatch(model: Model, x: TensorData, y?: TensorData | NamedTensorData | null, opts: OnBatchOptions = {}): number | number[] | Logs {
  const state = compiledState(model, "trainOnBatch");
  const batch = singleBatch(model, x, y, opts, "trainOnBatch");
  resetMetrics(state);
  const logs = trainStep(model, state, batch);
  return opts.returnDict ? logs : flattenMetricsInOrder(logs, metricNamesInOrder(state));
}

/** The loss and metrics of one batch in inference mode (metrics reset first). */
export function testOnBatch(model: Model, x: TensorData, y?: TensorData | NamedTensorData | null, opts: Omit<OnBatchOptions, "classWeight"> = {}): number | number[] | Logs {
  const state = compiledState(model, "testOnBatch");
  const batch = singleBatch(model, x, y, opts, "testOnBatch");
  resetMetrics(state);
  const logs = testStep(model, state, batch);
  return opts.returnDict ? logs : flattenMetricsInOrder(logs, metricNamesInOrder(state));
}

/** The model's output(s) for one batch, in inference mode. */
export function predictOnBatch(model: Model, x: TensorData): Tensor | Tensor[] {
  const outs = predictStep(model, toTensorList(x, "predictOnBatch"));
  return outs.length === 1 && model.outputs.length <= 1 ? outs[0] : outs;
}

function singleBatch(model: Model, x: TensorData, y: TensorData | NamedTensorData | null | undefined, opts: OnBatchOptions, what: string) {
  const src = batchSource(model, x, y, opts.sampleWeight, Number.MAX_SAFE_INTEGER, false, what, opts.classWeight ?? null) as ArrayBatches;
  const r = src.iterator().next();
  if (r.done) throw new Error(`${what}: the batch is empty`);
  return r.value;
}
