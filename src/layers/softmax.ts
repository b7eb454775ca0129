import type { Tensor } from "../tensor/tensor.js";
import { softmax } from "../ops/activations.js";
import { sub } from "../ops/arithmetic.js";
import { exp } from "../ops/math.js";
import { logSumExp } from "../ops/reduce.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface SoftmaxArgs extends LayerArgs {
  /** Axis, or axes, to normalize over (default -1). */
  axis?: number | readonly number[];
}

/**
 * Softmax over `axis`: exp(x) / sum(exp(x)).
 *
 * @example
 * new Softmax().apply(tensor([[1, 1]])); // [[0.5, 0.5]]
 */
export class Softmax extends Layer {
  static override className = "Softmax";
  readonly axis: number | readonly number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const a = args.axis ?? -1;
    if (!(Number.isInteger(a) || (Array.isArray(a) && a.length > 0 && a.every((v) => Number.isInteger(v)))))
      throw new Error(`${this.label}: axis must be an integer or a list of integers, got ${JSON.stringify(args.axis)}`);
    this.axis = Array.isArray(a) ? [...a] : a;
  }

  override call(inputs: Tensor): Tensor {
    if (typeof this.axis === "number") return softmax(inputs, this.axis);
    return exp(sub(inputs, logSumExp(inputs, this.axis, { keepDims: true })));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: typeof this.axis === "number" ? this.axis : [...this.axis] };
  }
}
registerLayer(Softmax);
