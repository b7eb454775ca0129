import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import type { LayerArgs } from "./layer.js";
import { Merge } from "./merge.js";
import { registerLayer } from "./registry.js";

/**
 * Sums its inputs elementwise.
 *
 * @example
 * new Add().apply([a, b]);
 */
export class Add extends Merge {
  static override className = "Add";

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  protected override merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]);
  }
}
registerLayer(Add);
