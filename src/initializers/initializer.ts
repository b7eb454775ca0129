import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Makes the initial value of a weight of a given shape (Keras' keras.initializers). */
export abstract class Initializer {
  /** A tensor of `shape` and `dtype` (default float32). */
  abstract call(shape: readonly number[], dtype?: DType): Tensor;
  /** Constructor options (camelCase); `new Cls(getConfig())` rebuilds the initializer. */
  getConfig(): Record<string, unknown> {
    return {};
  }
  get className(): string {
    return this.constructor.name;
  }
}

/**
 * Keras' compute_fans: [fanIn, fanOut]. Rank 1: both the size; rank 2: [rows, cols]; higher
 * ranks are convolution kernels [..spatial, cin, cout] whose fans are scaled by the receptive
 * field size. Explicit input/output axes override this.
 */
export function computeFans(shape: readonly number[], inputAxes?: number[] | null, outputAxes?: number[] | null): [number, number] {
  const at = (a: number): number => shape[a < 0 ? a + shape.length : a];
  if (inputAxes && outputAxes) {
    return [inputAxes.reduce((p, a) => p * at(a), 1), outputAxes.reduce((p, a) => p * at(a), 1)];
  }
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}
