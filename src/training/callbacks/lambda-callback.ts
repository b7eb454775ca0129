// LambdaCallback: a callback from plain functions (keras.callbacks.LambdaCallback).
import type { Logs } from "../logs.js";
import { Callback, type HookResult } from "./callback.js";

type EpochFn = (epoch: number, logs: Logs) => HookResult;
type BatchFn = (batch: number, logs: Logs) => HookResult;
type TrainFn = (logs: Logs) => HookResult;

export interface LambdaCallbackOptions {
  onEpochBegin?: EpochFn;
  onEpochEnd?: EpochFn;
  onTrainBegin?: TrainFn;
  onTrainEnd?: TrainFn;
  onTrainBatchBegin?: BatchFn;
  onTrainBatchEnd?: BatchFn;
}

/**
 * A callback made of the given functions (each optional).
 *
 * @example
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) });
 */
export class LambdaCallback extends Callback {
  constructor(private readonly fns: LambdaCallbackOptions = {}) {
    super();
  }
  override onEpochBegin(epoch: number, logs: Logs = {}): HookResult {
    return this.fns.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): HookResult {
    return this.fns.onEpochEnd?.(epoch, logs);
  }
  override onTrainBegin(logs: Logs = {}): HookResult {
    return this.fns.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs: Logs = {}): HookResult {
    return this.fns.onTrainEnd?.(logs);
  }
  override onTrainBatchBegin(batch: number, logs: Logs = {}): HookResult {
    return this.fns.onTrainBatchBegin?.(batch, logs);
  }
  override onTrainBatchEnd(batch: number, logs: Logs = {}): HookResult {
    return this.fns.onTrainBatchEnd?.(batch, logs);
  }
}
