// Internal helpers of the losses (not exported from the public barrel).
import { cast } from "../ops/cast.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Keras' backend.epsilon(), the clipping margin of probability-based losses. */
export const EPSILON = 1e-7;

/** yPred as a float tensor and yTrue cast to its dtype. */
export function lossOperands(op: string, yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  let p = toTensor(yPred, op);
  if (!isFloat(p.dtype)) p = cast(p, "float32");
  const t = toTensor(yTrue, op, p.dtype);
  return [t.dtype === p.dtype ? t : cast(t, p.dtype), p];
}

