import type { Tensor } from "../tensor/tensor.js";
import { elu } from "../ops/activations.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * Exponential linear unit: `x` for x > 0, `alpha * (e^x - 1)` otherwise.
 *
 * @example
 * new ELU().apply(tensor([-1, 2])); // [-0.632, 2]
 */
export class ELU extends Layer {
  static override className = "ELU";
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = args.alpha ?? 1;
    if (typeof this.alpha !== "number" || !Number.isFinite(this.alpha)) throw new Error(`${this.label}: alpha must be a number, got ${String(args.alpha)}`);
  }

  override call(inputs: Tensor): Tensor {
    return elu(inputs, this.alpha);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
registerLayer(ELU);
