// History: records the epoch logs of fit; fit returns it (keras.callbacks.History).
import type { Logs } from "../logs.js";
import { Callback } from "./callback.js";

/**
 * The record of a fit: `history.loss[i]` is the loss of epoch `epoch[i]`, and so on for every logged
 * metric ("accuracy", "val_loss", ...); `params` holds fit's verbose, epochs and steps. Added to every
 * fit; also kept as `model.history`.
 *
 * @example
 * const h = await model.fit(x, y, { epochs: 5 });
 * h.history.loss; // five numbers
 */
export class History extends Callback {
  /** Values per log name, one per epoch. */
  history: Record<string, number[]> = {};
  /** The epoch indices recorded (from initialEpoch). */
  epoch: number[] = [];

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    this.model.history = this;
  }
}
