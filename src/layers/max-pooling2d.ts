import type { Tensor } from "../tensor/tensor.js";
import { type Pool2dOptions, maxPool2d } from "../ops/pool.js";
import { Pooling2D } from "./pooling2d.js";
import { registerLayer } from "./registry.js";

export type { Pooling2DArgs as MaxPooling2DArgs } from "./pooling2d.js";

/**
 * Max over sliding windows of each channel.
 *
 * @example
 * new MaxPooling2D({ poolSize: 2 }).apply(zeros([1, 8, 8, 3])); // [1, 4, 4, 3]
 */
export class MaxPooling2D extends Pooling2D {
  static override className = "MaxPooling2D";

  protected override pool(x: Tensor, opts: Pool2dOptions): Tensor {
    return maxPool2d(x, opts);
  }
}
registerLayer(MaxPooling2D);
