// LearningRateScheduler: sets the learning rate at the start of each epoch (keras.callbacks.LearningRateScheduler).
import { compiledState } from "../compile.js";
import type { Logs } from "../logs.js";
import { Callback } from "./callback.js";

/**
 * Calls `schedule(epoch, currentRate)` at the start of every epoch and sets the optimizer's learning rate
 * to the result; logs "learning_rate" at the end of the epoch.
 *
 * @example
 * new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, lr: number) => number,
    readonly opts: { verbose?: 0 | 1; print?: (text: string) => void } = {},
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const opt = compiledState(this.model, "LearningRateScheduler").optimizer;
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== "number" || !Number.isFinite(lr))
      throw new TypeError(`LearningRateScheduler: the schedule must return a finite number, got ${String(lr)} at epoch ${epoch}`);
    opt.learningRate = lr;
    if (this.opts.verbose) (this.opts.print ?? console.log)(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = compiledState(this.model, "LearningRateScheduler").optimizer.learningRate;
  }
}
