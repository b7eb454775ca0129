import type { Tensor } from "../tensor/tensor.js";
import { maximum } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Elementwise maximum of its inputs.
 *
 * @example
 * new Maximum().apply([a, b]);
 */
export class Maximum extends Merge {
  static override className = "Maximum";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => maximum(acc, x), xs[0]);
  }
}
registerLayer(Maximum);
