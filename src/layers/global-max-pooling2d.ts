import type { Tensor } from "../tensor/tensor.js";
import { type GlobalPool2dOptions, globalMaxPool2d } from "../ops/pool.js";
import { GlobalPooling2D } from "./global-pooling2d.js";
import { registerLayer } from "./registry.js";

export type { GlobalPooling2DArgs as GlobalMaxPooling2DArgs } from "./global-pooling2d.js";

/**
 * Max of each channel over the spatial axes: [batch, channels] (or [batch, 1, 1, channels] with keepdims).
 *
 * @example
 * new GlobalMaxPooling2D({ keepdims: true }).apply(zeros([2, 7, 7, 64])); // [2, 1, 1, 64]
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override className = "GlobalMaxPooling2D";

  protected override pool(x: Tensor, opts: GlobalPool2dOptions): Tensor {
    return globalMaxPool2d(x, opts);
  }
}
registerLayer(GlobalMaxPooling2D);
