// The Callback base (keras.callbacks.Callback) and CallbackList, which calls a list of them in order.
import type { Model } from "../../models/model.js";
import type { Logs } from "../logs.js";

/** What fit / evaluate / predict tell callbacks through `setParams`. */
export interface CallbackParams {
  verbose: 0 | 1 | 2 | "auto";
  epochs: number;
  /** Batches per epoch (null when the dataset's length is not known yet). */
  steps: number | null;
}

/** A hook's result: nothing, or a promise fit waits for. */
export type HookResult = void | Promise<void>;

/**
 * Base class of callbacks: override the hooks you need. `model` is the model being trained (set by
 * fit); set `model.stopTraining = true` to end training after the current batch.
 *
 * @example
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss); }
 * }
 */
export class Callback {
  params: CallbackParams | null = null;
  private modelRef: Model | null = null;

  setParams(params: CallbackParams): void {
    this.params = params;
  }

  setModel(model: Model): void {
    this.modelRef = model;
  }

  /** The model this callback is attached to (an error before fit / evaluate set it). */
  get model(): Model {
    if (!this.modelRef) throw new Error(`${this.constructor.name}: no model yet; callbacks get their model from fit / evaluate / predict`);
    return this.modelRef;
  }

  onBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  onBatchEnd(_batch: number, _logs?: Logs): HookResult {}
  onEpochBegin(_epoch: number, _logs?: Logs): HookResult {}
  onEpochEnd(_epoch: number, _logs?: Logs): HookResult {}
  /** Before each training batch; by default calls onBatchBegin (as Keras). */
  onTrainBatchBegin(batch: number, logs?: Logs): HookResult {
    return this.onBatchBegin(batch, logs);
  }
  /** After each training batch, with the epoch's running logs; by default calls onBatchEnd. */
  onTrainBatchEnd(batch: number, logs?: Logs): HookResult {
    return this.onBatchEnd(batch, logs);
  }
  onTestBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  onTestBatchEnd(_batch: number, _logs?: Logs): HookResult {}
  onPredictBatchBegin(_batch: number, _logs?: Logs): HookResult {}
  onPredictBatchEnd(_batch: number, _logs?: Logs): HookResult {}
  onTrainBegin(_logs?: Logs): HookResult {}
  onTrainEnd(_logs?: Logs): HookResult {}
  onTestBegin(_logs?: Logs): HookResult {}
  onTestEnd(_logs?: Logs): HookResult {}
  onPredictBegin(_logs?: Logs): HookResult {}
  onPredictEnd(_logs?: Logs): HookResult {}
}

type Hook = {
  [K in keyof Callback]: Callback[K] extends (...args: never[]) => HookResult ? K : never;
}[keyof Callback];

/** Calls every callback's hook in order, awaiting those that return a promise. */
async function each(callbacks: readonly Callback[], hook: Hook, args: unknown[]): Promise<void> {
  for (const cb of callbacks) {
    const r = (cb[hook] as (...a: unknown[]) => HookResult).apply(cb, args);
    if (r && typeof (r as Promise<void>).then === "function") await r;
  }
}

/** A list of callbacks called as one (Keras' CallbackList). */
export class CallbackList {
  readonly callbacks: Callback[];

  constructor(callbacks: readonly Callback[], model: Model, params: CallbackParams) {
    this.callbacks = [...callbacks];
    for (const cb of this.callbacks) {
      cb.setModel(model);
      cb.setParams(params);
    }
  }

  onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onEpochBegin", [epoch, logs]);
  }
  onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onEpochEnd", [epoch, logs]);
  }
  onTrainBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTrainBatchBegin", [batch, logs]);
  }
  onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTrainBatchEnd", [batch, logs]);
  }
  onTestBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTestBatchBegin", [batch, logs]);
  }
  onTestBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTestBatchEnd", [batch, logs]);
  }
  onPredictBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onPredictBatchBegin", [batch, logs]);
  }
  onPredictBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onPredictBatchEnd", [batch, logs]);
  }
  onTrainBegin(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTrainBegin", [logs]);
  }
  onTrainEnd(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTrainEnd", [logs]);
  }
  onTestBegin(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTestBegin", [logs]);
  }
  onTestEnd(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onTestEnd", [logs]);
  }
  onPredictBegin(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onPredictBegin", [logs]);
  }
  onPredictEnd(logs: Logs = {}): Promise<void> {
    return each(this.callbacks, "onPredictEnd", [logs]);
  }
}
