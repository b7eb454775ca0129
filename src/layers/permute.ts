import type { Tensor } from "../tensor/tensor.js";
import { transpose } from "../ops/movement.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank-1 (indices start at 1: the batch axis stays first). */
  dims: readonly number[];
}

/**
 * Permutes the non-batch axes of its input.
 *
 * @example
 * new Permute({ dims: [2, 1] }).apply(zeros([8, 3, 5])); // [8, 5, 3]
 */
export class Permute extends Layer {
  static override className = "Permute";
  readonly dims: readonly number[];

  constructor(args: PermuteArgs) {
    super(args);
    const d = args?.dims;
    const sorted = Array.isArray(d) ? [...d].sort((a, b) => a - b) : [];
    if (!Array.isArray(d) || sorted.some((v, i) => v !== i + 1))
      throw new Error(`${this.label}: dims must be a permutation of 1..${Array.isArray(d) ? d.length : "n"} (the batch axis 0 stays), got ${JSON.stringify(d)}`);
    this.dims = [...d];
    this.inputSpec = { ndim: d.length + 1 };
  }

  override call(inputs: Tensor): Tensor {
    return transpose(inputs, [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
registerLayer(Permute);
