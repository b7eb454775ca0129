import type { Tensor } from "../tensor/tensor.js";
import { leakyRelu } from "../ops/activations.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for negative inputs (default 0.3, as Keras 3's layer). */
  negativeSlope?: number;
  /** Keras 2's name for negativeSlope. */
  alpha?: number;
}

/**
 * `x` for x > 0, `negativeSlope * x` otherwise.
 *
 * @example
 * new LeakyReLU().apply(tensor([-1, 2])); // [-0.3, 2]
 */
export class LeakyReLU extends Layer {
  static override className = "LeakyReLU";
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.negativeSlope = args.negativeSlope ?? args.alpha ?? 0.3;
    if (typeof this.negativeSlope !== "number" || !(this.negativeSlope >= 0))
      throw new Error(`${this.label}: negativeSlope must be a number >= 0, got ${String(this.negativeSlope)}`);
  }

  override call(inputs: Tensor): Tensor {
    return leakyRelu(inputs, this.negativeSlope);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}
registerLayer(LeakyReLU);
