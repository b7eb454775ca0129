// ProgbarLogger: the progress bar of fit / evaluate / predict (keras.callbacks.ProgbarLogger).
import type { Logs } from "../logs.js";
import { Progbar, type ProgressStream, defaultStream } from "../progbar.js";
import { Callback, type CallbackParams } from "./callback.js";

export interface ProgbarLoggerOptions {
  /** Where to write (default process.stdout); a TTY gets the redrawn bar. */
  stream?: ProgressStream;
  /** Clock in seconds (for tests). */
  now?: () => number;
}

/**
 * Prints "Epoch 3/10" and a Keras-style bar per epoch (verbose 1; redrawn in place on a TTY, one line at
 * the end of the epoch otherwise), or one summary line per epoch (verbose 2). fit adds one unless the
 * callbacks already hold one; validation inside fit is silent.
 */
export class ProgbarLogger extends Callback {
  private seen = 0;
  private progbar: Progbar | null = null;
  private target: number | null = null;
  private verbose: 0 | 1 | 2 = 1;
  private epochs = 1;
  private calledInFit = false;
  private readonly stream: ProgressStream;
  private readonly now?: () => number;

  constructor(opts: ProgbarLoggerOptions = {}) {
    super();
    this.stream = opts.stream ?? defaultStream();
    this.now = opts.now;
  }

  override setParams(params: CallbackParams): void {
    super.setParams(params);
    const v = params.verbose;
    this.verbose = v === "auto" ? (this.stream.isTTY ? 1 : 2) : v;
    this.epochs = params.epochs;
    this.target = params.steps;
  }

  override onTrainBegin(): void {
    this.calledInFit = true;
  }

  override onTestBegin(): void {
    if (!this.calledInFit) {
      this.reset();
      this.bar();
    }
  }

  override onPredictBegin(): void {
    this.reset();
    this.bar();
  }

  override onEpochBegin(epoch: number): void {
    // The bar (and its clock) starts with the epoch, so the first step's time counts.
    this.reset();
    this.bar();
    if (this.verbose && this.epochs > 1) this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    this.updateBar(batch, logs);
  }

  override onTestBatchEnd(batch: number, logs?: Logs): void {
    if (!this.calledInFit) this.updateBar(batch, logs);
  }

  override onPredictBatchEnd(batch: number): void {
    this.updateBar(batch, undefined);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    this.finalize(logs);
  }

  override onTestEnd(logs?: Logs): void {
    if (!this.calledInFit) this.finalize(logs);
  }

  override onPredictEnd(): void {
    this.finalize(undefined);
  }

  private reset(): void {
    this.seen = 0;
    this.progbar = null;
  }

  private bar(): Progbar {
    this.progbar ??= new Progbar(this.target, { verbose: this.verbose, stream: this.stream, now: this.now, unitName: "step" });
    return this.progbar;
  }

  private updateBar(batch: number, logs: Logs = {}): void {
    const bar = this.bar();
    this.seen = batch + 1;
    if (this.verbose === 1) bar.update(this.seen, Object.entries(logs), false);
  }

  private finalize(logs: Logs = {}): void {
    const bar = this.bar();
    if (this.target === null) {
      this.target = this.seen;
      bar.target = this.target;
    }
    bar.update(this.target, Object.entries(logs), true);
  }
}
