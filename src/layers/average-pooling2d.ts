import type { Tensor } from "../tensor/tensor.js";
import { type Pool2dOptions, avgPool2d } from "../ops/pool.js";
import { Pooling2D } from "./pooling2d.js";
import { registerLayer } from "./registry.js";

export type { Pooling2DArgs as AveragePooling2DArgs } from "./pooling2d.js";

/**
 * Mean over sliding windows of each channel (with padding "same", only in-bounds cells count).
 *
 * @example
 * new AveragePooling2D({ poolSize: 2 }).apply(zeros([1, 8, 8, 3])); // [1, 4, 4, 3]
 */
export class AveragePooling2D extends Pooling2D {
  static override className = "AveragePooling2D";

  protected override pool(x: Tensor, opts: Pool2dOptions): Tensor {
    return avgPool2d(x, opts);
  }
}
registerLayer(AveragePooling2D);
