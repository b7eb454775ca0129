import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertNumeric, binaryKernel, operands, unbroadcast } from "./operands.js";

/** a + b, with NumPy broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryKernel("add", a, b);
  return record("add", [x, y], out, ([dy]) => [unbroadcast(dy, x.shape), unbroadcast(dy, y.shape)]);
}

/** a - b, with NumPy broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryKernel("sub", a, b);
  return record("sub", [x, y], out, ([dy]) => [unbroadcast(dy, x.shape), unbroadcast(neg(dy), y.shape)]);
}

/** a * b, elementwise with NumPy broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryKernel("mul", a, b);
  return record("mul", [x, y], out, ([dy]) => [unbroadcast(mul(dy, y), x.shape), unbroadcast(mul(dy, x), y.shape)]);
}

/** a / b, elementwise. Integer operands are divided as float32 (true division, as in TF2 and NumPy). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = operands("div", a, b);
  assertNumeric("div", x, y);
  if (x.dtype === "int32") {
    x = kernels().cast(x, "float32");
    y = kernels().cast(y, "float32");
  }
  const [, , out] = binaryKernel("div", x, y);
  return record("div", [x, y], out, ([dy]) => [
    unbroadcast(div(dy, y), x.shape),
    unbroadcast(neg(div(mul(dy, out), y)), y.shape),
  ]);
}

/** -x. */
export function neg(x: TensorLike): Tensor {
  const t = toTensor(x, "neg");
  assertNumeric("neg", t);
  const out = kernels().unary("neg", t);
  return record("neg", [t], out, ([dy]) => [neg(dy)]);
}
