import type { Tensor } from "../tensor/tensor.js";
import { add, div } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Averages its inputs elementwise.
 *
 * @example
 * new Average().apply([a, b]); // (a + b) / 2
 */
export class Average extends Merge {
  static override className = "Average";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override merge(xs: Tensor[]): Tensor {
    return div(xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]), xs.length);
  }
}
registerLayer(Average);
