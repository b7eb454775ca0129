import { kernels } from "../backends/index.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, maximum, minimum, mul, neg, sub } from "./arithmetic.js";
import { floatInput, numericInput, unaryOp } from "./unary.js";

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Square root, elementwise (int32 inputs give float32). */
export function sqrt(x: TensorLike): Tensor {
  return unaryOp("sqrt", "sqrt", floatInput("sqrt", x), (dy, _x, out) => div(dy, mul(out, 2)));
}

/** 1 / sqrt(x), elementwise. */
export function rsqrt(x: TensorLike): Tensor {
  return unaryOp("rsqrt", "rsqrt", floatInput("rsqrt", x), (dy, _x, out) => mul(mul(dy, -0.5), mul(out, square(out))));
}

/** x * x, elementwise (int32 stays int32). */
export function square(x: TensorLike): Tensor {
  return unaryOp("square", "square", numericInput("square", x), (dy, t) => mul(dy, mul(t, 2)));
}

/** e^x, elementwise. */
export function exp(x: TensorLike): Tensor {
  return unaryOp("exp", "exp", floatInput("exp", x), (dy, _x, out) => mul(dy, out));
}

/** e^x - 1, accurate for small x. */
export function expm1(x: TensorLike): Tensor {
  return unaryOp("expm1", "expm1", floatInput("expm1", x), (dy, t) => mul(dy, exp(t)));
}

/** Natural logarithm, elementwise (log(0) = -inf, negative inputs give NaN). */
export function log(x: TensorLike): Tensor {
  return unaryOp("log", "log", floatInput("log", x), (dy, t) => div(dy, t));
}

/** log(1 + x), accurate for small x. */
export function log1p(x: TensorLike): Tensor {
  return unaryOp("log1p", "log1p", floatInput("log1p", x), (dy, t) => div(dy, add(t, 1)));
}

/** |x|, elementwise (int32 stays int32); the gradient at 0 is 0, as in TensorFlow. */
export function abs(x: TensorLike): Tensor {
  return unaryOp("abs", "abs", numericInput("abs", x), (dy, t) => mul(dy, sign(t)));
}

/** -1, 0 or 1 by the sign of x (NaN stays NaN); zero gradient. */
export function sign(x: TensorLike): Tensor {
  return kernels().unary("sign", numericInput("sign", x));
}

/** 1 / x, elementwise. */
export function reciprocal(x: TensorLike): Tensor {
  return unaryOp("reciprocal", "reciprocal", floatInput("reciprocal", x), (dy, _x, out) => neg(mul(dy, square(out))));
}

/** Sine (radians). */
export function sin(x: TensorLike): Tensor {
  return unaryOp("sin", "sin", floatInput("sin", x), (dy, t) => mul(dy, cos(t)));
}

/** Cosine (radians). */
export function cos(x: TensorLike): Tensor {
  return unaryOp("cos", "cos", floatInput("cos", x), (dy, t) => neg(mul(dy, sin(t))));
}

/** Tangent (radians). */
export function tan(x: TensorLike): Tensor {
  return unaryOp("tan", "tan", floatInput("tan", x), (dy, _x, out) => mul(dy, add(square(out), 1)));
}

/** Inverse sine, in [-pi/2, pi/2]. */
export function asin(x: TensorLike): Tensor {
  return unaryOp("asin", "asin", floatInput("asin", x), (dy, t) => mul(dy, rsqrt(sub(1, square(t)))));
}

/** Inverse cosine, in [0, pi]. */
export function acos(x: TensorLike): Tensor {
  return unaryOp("acos", "acos", floatInput("acos", x), (dy, t) => neg(mul(dy, rsqrt(sub(1, square(t))))));
}

/** Inverse tangent, in (-pi/2, pi/2). */
export function atan(x: TensorLike): Tensor {
  return unaryOp("atan", "atan", floatInput("atan", x), (dy, t) => div(dy, add(square(t), 1)));
}

/** Hyperbolic sine. */
export function sinh(x: TensorLike): Tensor {
  return unaryOp("sinh", "sinh", floatInput("sinh", x), (dy, t) => mul(dy, cosh(t)));
}

/** Hyperbolic cosine. */
export function cosh(x: TensorLike): Tensor {
  return unaryOp("cosh", "cosh", floatInput("cosh", x), (dy, t) => mul(dy, sinh(t)));
}

/** Inverse hyperbolic sine. */
export function asinh(x: TensorLike): Tensor {
  return unaryOp("asinh", "asinh", floatInput("asinh", x), (dy, t) => mul(dy, rsqrt(add(square(t), 1))));
}

/** Inverse hyperbolic cosine (x >= 1). */
export function acosh(x: TensorLike): Tensor {
  return unaryOp("acosh", "acosh", floatInput("acosh", x), (dy, t) => mul(dy, rsqrt(sub(square(t), 1))));
}

/** Inverse hyperbolic tangent (|x| < 1). */
export function atanh(x: TensorLike): Tensor {
  return unaryOp("atanh", "atanh", floatInput("atanh", x), (dy, t) => div(dy, sub(1, square(t))));
}

/** The Gauss error function. */
export function erf(x: TensorLike): Tensor {
  return unaryOp("erf", "erf", floatInput("erf", x), (dy, t) => mul(dy, mul(exp(neg(square(t))), TWO_OVER_SQRT_PI)));
}

/** The complementary error function 1 - erf(x), accurate where erf(x) is near 1. */
export function erfc(x: TensorLike): Tensor {
  return unaryOp("erfc", "erfc", floatInput("erfc", x), (dy, t) => mul(dy, mul(exp(neg(square(t))), -TWO_OVER_SQRT_PI)));
}

/** Largest integer <= x (int32 unchanged); zero gradient. */
export function floor(x: TensorLike): Tensor {
  const t = numericInput("floor", x);
  return t.dtype === "int32" ? t : kernels().unary("floor", t);
}

/** Smallest integer >= x (int32 unchanged); zero gradient. */
export function ceil(x: TensorLike): Tensor {
  const t = numericInput("ceil", x);
  return t.dtype === "int32" ? t : kernels().unary("ceil", t);
}

/** Nearest integer, halves to even (as tf.math.round and NumPy); zero gradient. */
export function round(x: TensorLike): Tensor {
  const t = numericInput("round", x);
  return t.dtype === "int32" ? t : kernels().unary("round", t);
}

/**
 * Clips x to [lo, hi] elementwise (tf.clip_by_value); the gradient is 1 where lo <= x <= hi, both
 * ends included, as in TensorFlow. lo and hi broadcast against x.
 */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Tensor {
  return minimum(maximum(x, lo), hi);
}

/** True where x is NaN. */
export function isNaN(x: TensorLike): Tensor {
  return kernels().unary("isnan", numericInput("isNaN", x));
}

/** True where x is +inf or -inf. */
export function isInf(x: TensorLike): Tensor {
  return kernels().unary("isinf", numericInput("isInf", x));
}

/** True where x is neither NaN nor infinite. */
export function isFinite(x: TensorLike): Tensor {
  return kernels().unary("isfinite", numericInput("isFinite", x));
}

/** The elementwise sum of a list of tensors of one shape (tf.math.add_n). */
export function addN(xs: readonly TensorLike[]): Tensor {
  if (xs.length === 0) throw new RangeError("addN: expected at least one tensor, got an empty list");
  const ts = xs.map((x) => toTensor(x, "addN"));
  for (let i = 1; i < ts.length; i++)
    if (!shapesEqual(ts[i].shape, ts[0].shape))
      throw new RangeError(`addN: input ${i} has shape ${fmtShape(ts[i].shape)}, expected ${fmtShape(ts[0].shape)} (all inputs must have one shape)`);
  let acc = numericInput("addN", ts[0]);
  for (let i = 1; i < ts.length; i++) acc = add(acc, ts[i]);
  return acc;
}
