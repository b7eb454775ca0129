// ReduceLROnPlateau: lowers the learning rate when a monitored value stalls (keras.callbacks.ReduceLROnPlateau).
import type { Optimizer } from "../../optimizers/optimizer.js";
import { compiledState } from "../compile.js";
import type { Logs } from "../logs.js";
import { MonitorCallback, type MonitorMode } from "./monitor.js";

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** New rate = rate * factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the learning rate (default 0). */
  minLr?: number;
  print?: (text: string) => void;
}

/** Multiplies the optimizer's learning rate by `factor` after `patience` epochs without improvement; logs "learning_rate". */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly cooldown: number;
  readonly minLr: number;
  cooldownCounter = 0;
  wait = 0;
  private readonly print: (text: string) => void;

  constructor(o: ReduceLROnPlateauOptions = {}) {
    super(o.monitor ?? "val_loss", o.mode ?? "auto", null, o.minDelta ?? 1e-4);
    const factor = o.factor ?? 0.1;
    if (factor >= 1) throw new RangeError(`ReduceLROnPlateau does not support a factor >= 1.0, got factor=${factor}`);
    this.factor = factor;
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? 0;
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
    this.print = o.print ?? ((t) => console.log(t));
  }

  private get optimizer(): Optimizer {
    return compiledState(this.model, "ReduceLROnPlateau").optimizer;
  }

  override onTrainBegin(): void {
    this.best = null;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.monitorOp) this.setMonitorOp();
    const opt = this.optimizer;
    logs.learning_rate = opt.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`Learning rate reduction is conditioned on metric "${this.monitor}", which is not available; available metrics: ${Object.keys(logs).join(", ")}`);
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const old = opt.learningRate;
        if (old > Math.fround(this.minLr)) {
          const lr = Math.max(old * this.factor, this.minLr);
          opt.learningRate = lr;
          if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
