import type { Tensor } from "../tensor/tensor.js";
import { type GlobalPool2dOptions, globalAvgPool2d } from "../ops/pool.js";
import { GlobalPooling2D } from "./global-pooling2d.js";
import { registerLayer } from "./registry.js";

export type { GlobalPooling2DArgs as GlobalAveragePooling2DArgs } from "./global-pooling2d.js";

/**
 * Mean of each channel over the spatial axes: [batch, channels] (or [batch, 1, 1, channels] with keepdims).
 *
 * @example
 * new GlobalAveragePooling2D().apply(zeros([2, 7, 7, 64])); // [2, 64]
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override className = "GlobalAveragePooling2D";

  protected override pool(x: Tensor, opts: GlobalPool2dOptions): Tensor {
    return globalAvgPool2d(x, opts);
  }
}
registerLayer(GlobalAveragePooling2D);
