import type { Tensor } from "../tensor/tensor.js";
import { minimum } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Elementwise minimum of its inputs.
 *
 * @example
 * new Minimum().apply([a, b]);
 */
export class Minimum extends Merge {
  static override className = "Minimum";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => minimum(acc, x), xs[0]);
  }
}
registerLayer(Minimum);
