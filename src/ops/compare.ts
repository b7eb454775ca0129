import { kernels } from "../backends/index.js";
import type { BinaryOp } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { broadcastShapes, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { operands, unbroadcast } from "./operands.js";

/** A comparison after dtype promotion and a broadcast check: a bool tensor, never differentiated. */
function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  if (!shapesEqual(x.shape, y.shape)) broadcastShapes(op, x.shape, y.shape);
  return kernels().binary(op, x, y);
}

function boolInput(op: string, x: TensorLike, what: string): Tensor {
  const t = toTensor(x, op);
  if (t.dtype !== "bool")
    throw new TypeError(`${op}: expected ${what} of dtype bool, got ${t.dtype} (compare it first, e.g. greater(x, 0), or cast(x, "bool"))`);
  return t;
}

/** A logical op on two bool tensors, with broadcasting. */
function logical(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const x = boolInput(op, a, "operands");
  const y = boolInput(op, b, "operands");
  if (!shapesEqual(x.shape, y.shape)) broadcastShapes(op, x.shape, y.shape);
  return kernels().binary(op, x, y);
}

/** a == b elementwise (bool; NaN equals nothing). */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compare("equal", a, b);
}

/** a != b elementwise (bool). */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("notEqual", a, b);
}

/** a < b elementwise (bool). */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compare("less", a, b);
}

/** a <= b elementwise (bool). */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("lessEqual", a, b);
}

/** a > b elementwise (bool). */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compare("greater", a, b);
}

/** a >= b elementwise (bool). */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("greaterEqual", a, b);
}

/** a AND b on bool tensors. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalAnd", a, b);
}

/** a OR b on bool tensors. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalOr", a, b);
}

/** a XOR b on bool tensors. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalXor", a, b);
}

/** NOT x on a bool tensor. */
export function logicalNot(x: TensorLike): Tensor {
  return kernels().unary("logicalNot", boolInput("logicalNot", x, "an operand"));
}

/**
 * Picks a where cond is true and b elsewhere, broadcasting all three (tf.where with three
 * arguments). The gradient flows to a where cond holds and to b elsewhere.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = boolInput("where", cond, "a condition");
  const [x, y] = operands("where", a, b);
  broadcastShapes("where", c.shape, broadcastShapes("where", x.shape, y.shape));
  const out = kernels().where(c, x, y);
  return record("where", [x, y], out, ([dy]) => [
    unbroadcast(where(c, dy, 0), x.shape),
    unbroadcast(where(c, 0, dy), y.shape),
  ]);
}
