import type { Tensor } from "../tensor/tensor.js";
import { mul } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Multiplies its inputs elementwise.
 *
 * @example
 * new Multiply().apply([a, b]);
 */
export class Multiply extends Merge {
  static override className = "Multiply";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => mul(acc, x), xs[0]);
  }
}
registerLayer(Multiply);
