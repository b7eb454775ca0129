import type { LayerWeight } from "./weight.js";

/** A layer's own weights, kept as Keras does: trainable ones, then non-trainable ones. */
export class WeightList {
  private readonly trainable: LayerWeight[] = [];
  private readonly nonTrainable: LayerWeight[] = [];

  add(w: LayerWeight): void {
    (w.trainable ? this.trainable : this.nonTrainable).push(w);
  }

  all(): LayerWeight[] {
    return [...this.trainable, ...this.nonTrainable];
  }

  /** Freezes or unfreezes the weights created trainable (moving statistics stay non-trainable). */
  setTrainable(value: boolean): void {
    for (const w of this.trainable) w.trainable = value;
  }
}
