import { kernels } from "../backends/index.js";
import type { ReduceOp } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, scalar, toTensor } from "../tensor/create.js";
import { fmtShape, keptShape, normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { add, div, mul, sub } from "./arithmetic.js";
import { broadcastTo } from "./broadcast.js";
import { cast } from "./cast.js";
import { exp, log, sqrt } from "./math.js";
import { reshape } from "./reshape.js";
import { floatInput } from "./unary.js";

export interface ReduceOptions {
  /** Keep reduced axes with size 1. */
  keepDims?: boolean;
}

/** Reduction axes: one axis, a list, or null/undefined for all of them. Negative axes count from the end. */
export type Axes = number | readonly number[] | null;

/** Sum over `axes` (default all). bool sums to int32. */
export function sum(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "sum");
  const ax = normalizeAxes("sum", axes, t.rank);
  let out = kernels().reduce("sum", t, ax);
  if (opts.keepDims) out = reshape(out, keptShape(t.shape, ax));
  return record("sum", [t], out, ([dy]) => [broadcastTo(reshape(dy, keptShape(t.shape, ax)), t.shape)]);
}

/** Mean over `axes` (default all). Integer inputs give float32. */
export function mean(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  let t = toTensor(x, "mean");
  if (t.dtype === "int32" || t.dtype === "bool") t = cast(t, "float32");
  const ax = normalizeAxes("mean", axes, t.rank);
  let n = 1;
  for (const a of ax) n *= t.shape[a];
  return div(sum(t, ax, opts), n);
}

/** Runs a reduce kernel on a numeric tensor; returns the input, the axes and the raw (axes-dropped) result. */
function reduceRaw(op: ReduceOp, name: string, x: TensorLike, axes: Axes | undefined): [Tensor, number[], Tensor] {
  const t = toTensor(x, name);
  if (t.dtype === "bool") throw new TypeError(`${name}: expected a numeric tensor, got dtype bool (use ${op === "min" ? "all" : "any"} or cast it first)`);
  const ax = normalizeAxes(name, axes, t.rank);
  return [t, ax, kernels().reduce(op, t, ax)];
}

/** The same storage viewed with reduced axes kept (an unrecorded constant). */
function kept(y: Tensor, t: Tensor, ax: readonly number[]): Tensor {
  return new Tensor(y.values, keptShape(t.shape, ax), y.dtype);
}

function finish(out: Tensor, t: Tensor, ax: readonly number[], opts: ReduceOptions): Tensor {
  return opts.keepDims ? reshape(out, keptShape(t.shape, ax)) : out;
}

/**
 * Gradient of max/min: dy split equally among the elements equal to the extremum (TF's rule).
 * The tie weights are constants, so higher derivatives are (correctly) zero through the selection.
 */
function extremumGrad(dy: Tensor, t: Tensor, y: Tensor, ax: readonly number[]): Tensor {
  const k = kernels();
  const hit = k.cast(k.binary("equal", t, kept(y, t, ax)), t.dtype);
  const count = kept(k.reduce("sum", hit, ax), t, ax);
  return mul(reshape(dy, keptShape(t.shape, ax)), k.binary("div", hit, count));
}

/** Maximum over `axes` (default all); the gradient is shared equally among tied maxima, as in TF. */
export function max(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  const [t, ax, y] = reduceRaw("max", "max", x, axes);
  return finish(record("max", [t], y, ([dy]) => [extremumGrad(dy, t, y, ax)]), t, ax, opts);
}

/** Minimum over `axes` (default all); the gradient is shared equally among tied minima, as in TF. */
export function min(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  const [t, ax, y] = reduceRaw("min", "min", x, axes);
  return finish(record("min", [t], y, ([dy]) => [extremumGrad(dy, t, y, ax)]), t, ax, opts);
}

/**
 * Product over `axes` (default all). The gradient (the product of the other elements) is computed
 * without dividing by the input, so it is exact when some elements are zero.
 */
export function prod(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  const [t, ax, y] = reduceRaw("prod", "prod", x, axes);
  return finish(record("prod", [t], y, ([dy]) => [prodGrad(dy, t, ax)]), t, ax, opts);
}

function prodGrad(dy: Tensor, t: Tensor, ax: readonly number[]): Tensor {
  const k = kernels();
  const isZero = k.cast(k.binary("equal", t, scalar(0, t.dtype)), t.dtype);
  const zeros = kept(k.reduce("sum", isZero, ax), t, ax);
  const one = scalar(1, t.dtype);
  const noZero = k.cast(k.binary("equal", zeros, scalar(0, t.dtype)), t.dtype);
  const oneZero = k.cast(k.binary("equal", zeros, one), t.dtype);
  // With zeros replaced by ones, the product of the others is pnz / nz (nz never 0).
  const nz = add(t, isZero);
  const pnz = prod(nz, ax, { keepDims: true });
  const others = div(pnz, nz);
  // No zero: the others' product. One zero: that product at the zero (nz's 1 there makes it exact), and
  // x_zero * others = 0 elsewhere, written as that product so that second derivatives stay right.
  // Two or more zeros: 0 (first order exact; second order drops those terms).
  const atZero = k.binary("mul", oneZero, isZero);
  const offZero = k.binary("mul", oneZero, k.binary("sub", one, isZero));
  const xZero = sum(mul(t, atZero), ax, { keepDims: true });
  const g = mul(others, add(k.binary("add", noZero, atZero), mul(xZero, offZero)));
  return mul(reshape(dy, keptShape(t.shape, ax)), g);
}

export interface ArgReduceOptions {
  keepDims?: boolean;
}

function argReduce(op: "argmax" | "argmin", x: TensorLike, axis: number, opts: ArgReduceOptions): Tensor {
  const t = toTensor(x, op);
  if (t.rank === 0) throw new RangeError(`${op}: expected a tensor of rank >= 1, got a scalar`);
  const a = normalizeAxis(op, axis, t.rank);
  if (t.shape[a] === 0) throw new RangeError(`${op}: axis ${a} of ${fmtShape(t.shape)} is empty`);
  const out = kernels().argReduce(op, t, a);
  return opts.keepDims ? reshape(out, keptShape(t.shape, [a])) : out;
}

/** Index (int32) of the largest element along `axis` (default 0, as tf.argmax); the first one on ties. */
export function argmax(x: TensorLike, axis = 0, opts: ArgReduceOptions = {}): Tensor {
  return argReduce("argmax", x, axis, opts);
}

/** Index (int32) of the smallest element along `axis` (default 0, as tf.argmin); the first one on ties. */
export function argmin(x: TensorLike, axis = 0, opts: ArgReduceOptions = {}): Tensor {
  return argReduce("argmin", x, axis, opts);
}

/** Mean and (population) variance over `axes`, as tf.nn.moments. Integer inputs give float32. */
export function moments(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): { mean: Tensor; variance: Tensor } {
  const t = floatInput("moments", x);
  const ax = normalizeAxes("moments", axes, t.rank);
  const m = mean(t, ax, { keepDims: true });
  const d = sub(t, m);
  const v = mean(mul(d, d), ax, opts);
  return { mean: opts.keepDims ? m : reshape(m, v.shape), variance: v };
}

/** Population variance over `axes` (default all), as tf.math.reduce_variance. */
export function variance(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  return moments(x, axes, opts).variance;
}

/** Population standard deviation over `axes`, as tf.math.reduce_std. Its gradient is NaN where it is 0 (as in TF). */
export function std(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  return sqrt(variance(x, axes, opts));
}

/** log(sum(exp(x))) over `axes`, computed stably by shifting by the maximum (TF's reduce_logsumexp). */
export function logSumExp(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  const t = floatInput("logSumExp", x);
  const ax = normalizeAxes("logSumExp", axes, t.rank);
  const k = kernels();
  // The shift is a constant (no gradient: the result does not depend on it); infinite maxima shift by 0.
  const raw = kept(k.reduce("max", t, ax), t, ax);
  const finite = k.unary("isfinite", raw);
  const shift = k.where(finite, raw, scalar(0, t.dtype));
  const out = add(log(sum(exp(sub(t, shift)), ax, { keepDims: true })), shift);
  return opts.keepDims ? out : reshape(out, out.shape.filter((_, i) => !ax.includes(i)));
}

/** True where every element over `axes` is nonzero (bool output; an empty reduction is true). */
export function all(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  return logicalReduce("all", x, axes, opts);
}

/** True where some element over `axes` is nonzero (bool output; an empty reduction is false). */
export function any(x: TensorLike, axes?: Axes, opts: ReduceOptions = {}): Tensor {
  return logicalReduce("any", x, axes, opts);
}

function logicalReduce(op: "all" | "any", x: TensorLike, axes: Axes | undefined, opts: ReduceOptions): Tensor {
  const t = toTensor(x, op);
  const ax = normalizeAxes(op, axes, t.rank);
  const k = kernels();
  const b = t.dtype === "bool" ? t : k.cast(t, "bool");
  // Count the falses (all) or the trues (any): no reliance on min/max identities of empty reductions.
  const counted = op === "all" ? k.unary("logicalNot", b) : b;
  const n = k.reduce("sum", counted, ax);
  const out = k.binary(op === "all" ? "equal" : "notEqual", n, scalar(0, n.dtype));
  return opts.keepDims ? new Tensor(out.values, keptShape(t.shape, ax), "bool") : out;
}

export { norm, type NormOrder } from "./vector-norm.js";
