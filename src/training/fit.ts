// fit: Keras 3's training loop (epochs of train steps, validation, callbacks, History).
import type { TensorLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Model } from "../models/model.js";
import { type Callback, CallbackList } from "./callbacks/callback.js";
import { History } from "./callbacks/history.js";
import { ProgbarLogger } from "./callbacks/progbar-logger.js";
import { compiledState, outputNames, resetMetrics } from "./compile.js";
import {
  type BatchSource, type Dataset, EpochIterator, type NamedTensorData, type TensorData, sliceRows, splitAt, toTargetList, toTensorList,
} from "./data.js";
import { type Verbosity, batchSource, isDataset, runEvaluation } from "./evaluate.js";
import { type Logs, prefixLogs } from "./logs.js";
import { metricsResult, trainStep } from "./step.js";

/** Validation data: `[x, y]` or `[x, y, sampleWeight]` tensors, or a dataset of batches. */
export type ValidationData = readonly [TensorData, TensorData | NamedTensorData, (TensorLike | null)?] | Dataset;

/** Options of `model.fit` (Keras' fit arguments, camelCase). */
export interface FitOptions {
  /** Samples per batch for tensor data (default 32). */
  batchSize?: number;
  /** Epochs to train (default 1); with initialEpoch, the index to stop before. */
  epochs?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch, "auto" (default): 1 on a TTY, else 2. */
  verbose?: Verbosity;
  callbacks?: Callback[];
  /** Fraction of the tensor data kept for validation: the last samples, taken before shuffling. */
  validationSplit?: number;
  /** Data to evaluate on at the end of each epoch (overrides validationSplit). */
  validationData?: ValidationData;
  /** Reshuffle the training samples before each epoch (default true; tensor data only). */
  shuffle?: boolean;
  /** Loss weight per class label (single-output models): {0: 1, 1: 5}. */
  classWeight?: Record<number | string, number>;
  /** Per-sample weights of the loss (and weighted metrics), one per training sample. */
  sampleWeight?: TensorLike | null;
  /** The epoch to start from (for resuming; default 0). */
  initialEpoch?: number;
  /** Batches per epoch (default: one pass over the data). */
  stepsPerEpoch?: number | null;
  /** Validation batches per epoch (default: all). */
  validationSteps?: number | null;
  /** Batch size of validation (default batchSize). */
  validationBatchSize?: number;
  /** Validate every N epochs, or at the listed (1-based) epochs. */
  validationFreq?: number | readonly number[];
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`fit: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function shouldEval(epoch: number, freq: number | readonly number[]): boolean {
  const e = epoch + 1;
  if (typeof freq === "number") return e % freq === 0;
  return freq.includes(e);
}

/** A validation tuple rather than a dataset. */
function isValidationTuple(v: ValidationData): v is readonly [TensorData, TensorData | NamedTensorData, (TensorLike | null)?] {
  return Array.isArray(v);
}

/**
 * Trains `model` (Keras' Model.fit): for each epoch, the train step on every batch, then validation;
 * callbacks see every stage. Returns the History (also `model.history`).
 *
 * @example
 * const history = await fitModel(model, x, y, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
 */
export async function fitModel(
  model: Model,
  x: TensorData | Dataset,
  yOrOpts?: TensorData | NamedTensorData | FitOptions | null,
  options?: FitOptions,
): Promise<History> {
  // fit(dataset, opts) or fit(x, y, opts).
  const [y, opts] = isDataset(x) ? [null, (yOrOpts ?? options ?? {}) as FitOptions] : [yOrOpts as TensorData | NamedTensorData | null, options ?? {}];
  const state = compiledState(model, "fit");
  const epochs = checkInt("epochs", opts.epochs ?? 1, 0);
  const initialEpoch = checkInt("initialEpoch", opts.initialEpoch ?? 0, 0);
  const batchSize = checkInt("batchSize", opts.batchSize ?? 32, 1);
  const verbose = opts.verbose ?? "auto";
  const names = outputNames(model);

  let trainSource: BatchSource;
  let valSource: BatchSource | null = null;
  const valBatch = opts.validationBatchSize ?? batchSize;
  if (isDataset(x)) {
    if (opts.validationSplit) throw new Error("fit: validationSplit works with tensor data only; give validationData for a dataset");
    trainSource = batchSource(model, x, y, opts.sampleWeight, batchSize, false, "fit", opts.classWeight ?? null);
  } else {
    let xs: Tensor[] = toTensorList(x, "fit");
    let ys: Tensor[] | null = y === undefined || y === null ? null : toTargetList(y, names, "fit");
    let sw: Tensor[] | null = opts.sampleWeight ? toTensorList(opts.sampleWeight as TensorData, "fit") : null;
    if (opts.validationSplit && opts.validationData === undefined) {
      const n = xs[0].rank === 0 ? 0 : xs[0].shape[0];
      const at = splitAt(n, opts.validationSplit);
      const head = (ts: Tensor[]): Tensor[] => ts.map((t) => sliceRows(t, 0, at));
      const tail = (ts: Tensor[]): Tensor[] => ts.map((t) => sliceRows(t, at, t.shape[0]));
      valSource = batchSource(model, tail(xs), ys && tail(ys), sw && tail(sw), valBatch, false, "fit (validation)");
      xs = head(xs);
      ys = ys && head(ys);
      sw = sw && head(sw);
    }
    trainSource = batchSource(model, xs, ys, sw, batchSize, opts.shuffle ?? true, "fit", opts.classWeight ?? null);
  }
  if (opts.validationData !== undefined) {
    const v = opts.validationData;
    if (isValidationTuple(v)) {
      if (v.length < 2 || v.length > 3) throw new Error(`fit: validationData must be [x, y] or [x, y, sampleWeight], got an array of ${v.length}`);
      valSource = batchSource(model, v[0], v[1], v[2] ?? null, valBatch, false, "fit (validation)");
    } else valSource = batchSource(model, v, null, null, valBatch, false, "fit (validation)");
  }

  const iterator = new EpochIterator(trainSource, opts.stepsPerEpoch ?? null);
  const userCallbacks = [...(opts.callbacks ?? [])];
  let history = userCallbacks.find((c): c is History => c instanceof History);
  if (!history) userCallbacks.push((history = new History()));
  if (verbose !== 0 && !userCallbacks.some((c) => c instanceof ProgbarLogger)) userCallbacks.push(new ProgbarLogger());
  const params = { verbose, epochs, steps: iterator.steps };
  const callbacks = new CallbackList(userCallbacks, model, params);
  model.history = history;

  model.stopTraining = false;
  await callbacks.onTrainBegin();
  let trainingLogs: Logs | null = null;
  let lastYield = performance.now();
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    resetMetrics(state);
    await callbacks.onEpochBegin(epoch);
    let ran = false;
    for await (const [step, batch] of iterator.epoch()) {
      await callbacks.onTrainBatchBegin(step);
      const logs = trainStep(model, state, batch);
      ran = true;
      await callbacks.onTrainBatchEnd(step, logs);
      if (model.stopTraining) break;
      // A turn of the event loop every 20 ms or so: Node runs the finalizers that give a batch's large outputs
      // back to the native backend's recycled storage there (and timers, I/O); awaits alone never get to them.
      if (performance.now() - lastYield > 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const epochLogs: Logs = ran ? metricsResult(state) : {};
    if (valSource && shouldEval(epoch, opts.validationFreq ?? 1)) {
      const valLogs = await runEvaluation(model, state, valSource, opts.validationSteps ?? null, callbacks);
      Object.assign(epochLogs, prefixLogs(valLogs, "val_"));
    }
    await callbacks.onEpochEnd(epoch, epochLogs);
    trainingLogs = epochLogs;
    if (model.stopTraining) break;
    // Let timers and I/O run between epochs (fit is otherwise one long synchronous computation).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await callbacks.onTrainEnd(trainingLogs ?? {});
  return history;
}
