import { kernels } from "../backends/index.js";
import type { BinaryOp } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { Tensor } from "../tensor/tensor.js";
import { assertNumeric, binaryKernel, operands, unbroadcast } from "./operands.js";
import { greater, greaterEqual, lessEqual, where } from "./compare.js";
import { log } from "./math.js";

/**
 * Rejects bool operands before dtype promotion, which would otherwise turn `add(boolTensor, 1.5)`
 * into float arithmetic silently.
 */
function rejectBool(op: string, a: TensorLike, b: TensorLike): void {
  for (const v of [a, b])
    if (typeof v === "boolean" || (v instanceof Tensor && v.dtype === "bool"))
      throw new TypeError(`${op}: expected numeric operands, got a bool one (cast it first, e.g. cast(x, "float32"))`);
}

/** Promotion, the bool check and the broadcasting kernel. */
function arith(op: BinaryOp, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor] {
  rejectBool(op, a, b);
  return binaryKernel(op, a, b);
}

/** Integer division by zero is an error, as in TensorFlow (a float divisor gives inf or NaN instead). */
function assertNonzeroDivisor(op: string, y: Tensor): void {
  if (y.dtype !== "int32") return;
  const v = y.values;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) throw new RangeError(`${op}: integer division by zero (element ${i} of the divisor)`);
}

/** a + b, with NumPy broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = arith("add", a, b);
  return record("add", [x, y], out, ([dy]) => [unbroadcast(dy, x.shape), unbroadcast(dy, y.shape)]);
}

/** a - b, with NumPy broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = arith("sub", a, b);
  return record("sub", [x, y], out, ([dy]) => [unbroadcast(dy, x.shape), unbroadcast(neg(dy), y.shape)]);
}

/** a * b, elementwise with NumPy broadcasting (int32 products wrap modulo 2^32). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = arith("mul", a, b);
  return record("mul", [x, y], out, ([dy]) => [unbroadcast(mul(dy, y), x.shape), unbroadcast(mul(dy, x), y.shape)]);
}

/** a / b, elementwise. Integer operands are divided as float32 (true division, as in TF2 and NumPy). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = arith("div", a, b);
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

/**
 * a ** b, elementwise with broadcasting. The gradient w.r.t. the exponent is out * log(a) where
 * a > 0 and 0 elsewhere, as in TensorFlow. int32 powers wrap; negative int32 exponents are an error.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  rejectBool("pow", a, b);
  const [x, y] = operands("pow", a, b);
  if (y.dtype === "int32" && y.values.some((e) => e < 0))
    throw new RangeError("pow: integers to negative integer powers are not allowed (cast the base to float first)");
  const [, , out] = binaryKernel("pow", x, y);
  return record("pow", [x, y], out, ([dy]) => {
    const pos = greater(x, 0);
    // log of a safe stand-in where x <= 0, so that neither branch of the where yields NaN gradients.
    const logx = where(pos, log(where(pos, x, 1)), 0);
    return [
      unbroadcast(mul(mul(dy, y), pow(x, sub(y, 1))), x.shape),
      unbroadcast(mul(mul(dy, out), logx), y.shape),
    ];
  });
}

/** The larger of a and b elementwise; ties route the gradient to a, as in TensorFlow. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = arith("maximum", a, b);
  return record("maximum", [x, y], out, ([dy]) => {
    const toX = greaterEqual(x, y);
    return [unbroadcast(where(toX, dy, 0), x.shape), unbroadcast(where(toX, 0, dy), y.shape)];
  });
}

/** The smaller of a and b elementwise; ties route the gradient to a, as in TensorFlow. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = arith("minimum", a, b);
  return record("minimum", [x, y], out, ([dy]) => {
    const toX = lessEqual(x, y);
    return [unbroadcast(where(toX, dy, 0), x.shape), unbroadcast(where(toX, 0, dy), y.shape)];
  });
}

/** Remainder of floor division (result has the sign of b), as tf.math.floormod and Python's %. */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  rejectBool("mod", a, b);
  const [x, y] = operands("mod", a, b);
  assertNonzeroDivisor("mod", y);
  const [, , out] = binaryKernel("mod", x, y);
  return record("mod", [x, y], out, ([dy]) => [
    unbroadcast(dy, x.shape),
    unbroadcast(mul(dy, neg(floorDiv(x, y))), y.shape),
  ]);
}

/** floor(a / b) elementwise, as tf.math.floordiv and Python's //; not differentiable (zero gradient). */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  rejectBool("floorDiv", a, b);
  const [x, y] = operands("floorDiv", a, b);
  assertNonzeroDivisor("floorDiv", y);
  // Not recorded: like TF's FloorDiv it has no gradient, so the tape reports zeros.
  return binaryKernel("floorDiv", x, y)[2];
}

/** The angle of the point (x, y) in radians, elementwise: atan2(y, x) with the quadrant from both signs. */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  let [a, b] = arith("atan2", y, x);
  if (a.dtype === "int32") {
    a = kernels().cast(a, "float32");
    b = kernels().cast(b, "float32");
  }
  const [, , out] = binaryKernel("atan2", a, b);
  return record("atan2", [a, b], out, ([dy]) => {
    const r2 = add(mul(a, a), mul(b, b));
    return [unbroadcast(div(mul(dy, b), r2), a.shape), unbroadcast(neg(div(mul(dy, a), r2)), b.shape)];
  });
}
