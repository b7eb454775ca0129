// Internal helpers for elementwise op families (math, activations); not exported from the public barrel.
import { kernels } from "../backends/index.js";
import type { UnaryOp } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertNumeric } from "./operands.js";

/** A numeric (int32 or float) tensor; bool is rejected with the op's name. */
export function numericInput(op: string, x: TensorLike): Tensor {
  const t = toTensor(x, op);
  assertNumeric(op, t);
  return t;
}

/** A float tensor: int32 is computed in float32, as keras.ops does for float-valued functions. */
export function floatInput(op: string, x: TensorLike): Tensor {
  const t = numericInput(op, x);
  return t.dtype === "int32" ? kernels().cast(t, "float32") : t;
}

/**
 * Runs a unary kernel and records `rule(dy, x, out)` as its gradient (written with ops); a rule
 * returning null means no gradient flows (the tape then reports zeros).
 */
export function unaryOp(op: string, k: UnaryOp, x: Tensor, rule: (dy: Tensor, x: Tensor, out: Tensor) => Tensor | null): Tensor {
  const out = kernels().unary(k, x);
  return record(op, [x], out, ([dy]) => [rule(dy, x, out)]);
}
