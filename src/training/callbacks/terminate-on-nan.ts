// TerminateOnNaN: stops training when the loss becomes NaN or infinite (keras.callbacks.TerminateOnNaN).
import type { Logs } from "../logs.js";
import { Callback } from "./callback.js";

/** Ends training at the first batch whose loss is NaN or infinite (or throws, with `raiseError`). */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;
  /** Where the notice goes (default console.log). */
  print: (text: string) => void = (t) => console.log(t);

  constructor(opts: { raiseError?: boolean } = {}) {
    super();
    this.raiseError = opts.raiseError ?? false;
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) throw new Error(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`);
    this.print(`Batch ${batch}: Invalid loss, terminating training`);
    this.model.stopTraining = true;
  }
}
