// EarlyStopping: stops training when a monitored value stops improving (keras.callbacks.EarlyStopping).
import type { Tensor } from "../../tensor/tensor.js";
import type { Logs } from "../logs.js";
import { MonitorCallback, type MonitorMode } from "./monitor.js";

export interface EarlyStoppingOptions {
  /** The log to watch (default "val_loss"). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** A value the monitored quantity must beat for the patience count to restart. */
  baseline?: number | null;
  /** At the end, put back the weights of the best epoch. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching at all (warm-up). */
  startFromEpoch?: number;
  /** Where verbose messages go (default console.log). */
  print?: (text: string) => void;
}

/**
 * Stops fit once `monitor` has not improved for `patience` epochs (Keras 3 semantics, including the
 * baseline and startFromEpoch rules); `restoreBestWeights` puts the best epoch's weights back at the end.
 *
 * @example
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [new EarlyStopping({ patience: 3 })] });
 */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  wait = 0;
  stoppedEpoch = 0;
  bestEpoch = 0;
  bestWeights: Tensor[] | null = null;
  private readonly print: (text: string) => void;

  constructor(o: EarlyStoppingOptions = {}) {
    super(o.monitor ?? "val_loss", o.mode ?? "auto", null, o.minDelta ?? 0);
    this.patience = o.patience ?? 0;
    this.verbose = o.verbose ?? 0;
    this.baseline = o.baseline ?? null;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.startFromEpoch = o.startFromEpoch ?? 0;
    this.print = o.print ?? ((t) => console.log(t));
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.monitorOp) this.setMonitorOp();
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`EarlyStopping is conditioned on metric "${this.monitor}", which is not available; available metrics: ${Object.keys(logs).join(", ")}`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    // Before any improvement is seen, the current weights are the best ones.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.getWeights();
      // Restart the count only when the baseline is beaten too.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) this.print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) this.print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
  }
}
