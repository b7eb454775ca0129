import type { Tensor } from "../tensor/tensor.js";
import { sub } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Subtracts its second input from its first.
 *
 * @example
 * new Subtract().apply([a, b]); // a - b
 */
export class Subtract extends Merge {
  static override className = "Subtract";

  constructor(args: LayerArgs = {}) {
    super(args);
    this.minInputs = 2;
    this.maxInputs = 2;
  }

  protected override merge(xs: Tensor[]): Tensor {
    return sub(xs[0], xs[1]);
  }
}
registerLayer(Subtract);
