import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { type DType, assertDType, isFloat } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";

/** Converts to another dtype (float -> int truncates toward zero; nonzero -> true). */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, "cast");
  assertDType(dtype);
  if (t.dtype === dtype) return t;
  const out = kernels().cast(t, dtype);
  // Gradients flow only between float types.
  if (!isFloat(dtype) || !isFloat(t.dtype)) return out;
  return record("cast", [t], out, ([dy]) => [cast(dy, t.dtype)]);
}

/** The same values as a new tensor (a fresh node for the tape); storage is shared. */
export function identity(x: TensorLike): Tensor {
  const t = toTensor(x, "identity");
  const out = new Tensor(t.values, t.shape, t.dtype);
  return record("identity", [t], out, ([dy]) => [dy]);
}

/** The same values, with no gradient flowing back through it. */
export function stopGradient(x: TensorLike): Tensor {
  const t = toTensor(x, "stopGradient");
  return new Tensor(t.values, t.shape, t.dtype);
}
