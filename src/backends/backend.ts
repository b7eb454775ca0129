import type { DType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The backend contract: every kernel an op may call. Kernels take and return tensors over plain
 * typed-array storage; they do no shape inference beyond what their parameters state (the op did
 * that already) and never record gradients (the op does). All kernels support float64 on the
 * reference backend, so gradient checks can run in double precision.
 */
export type UnaryOp =
  | "neg" | "abs" | "sign" | "square" | "sqrt" | "rsqrt" | "reciprocal"
  | "exp" | "expm1" | "log" | "log1p" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan"
  | "sinh" | "cosh" | "tanh" | "asinh" | "acosh" | "atanh"
  | "sigmoid" | "softplus" | "softsign" | "relu" | "relu6" | "erf" | "erfc" | "floor" | "ceil" | "round"
  | "isnan" | "isinf" | "isfinite" | "logicalNot";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "mod" | "floorDiv" | "atan2"
  | "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual"
  | "logicalAnd" | "logicalOr" | "logicalXor";

export type ReduceOp = "sum" | "prod" | "max" | "min";

/** Explicit, already-resolved convolution geometry (NHWC input, HWIO filter). */
export interface Conv2dParams {
  strides: [number, number];
  dilations: [number, number];
  /** [top, bottom, left, right] zero padding. */
  pads: [number, number, number, number];
}

/** Explicit pooling geometry (NHWC). Average pooling divides by the count of non-padded cells, as TF does. */
export interface Pool2dParams {
  windowShape: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
}

export interface ResizeParams {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** Activations biasActivation applies (leakyRelu with the slope `alpha`). */
export type BiasActivation = "linear" | "relu" | "relu6" | "leakyRelu" | "sigmoid" | "tanh";

/** Where biasActivation's per-channel vectors lie: x is viewed as [outer, channels, inner]. */
export interface BiasActivationParams {
  /** The channel axis, non-negative (x.rank - 1 for channels-last). */
  axis: number;
  /** leakyRelu's slope for negative inputs (ignored by the other activations). */
  alpha: number;
  /** Write the result over x's storage (x must be a fresh tensor nothing else reads, e.g. a conv output). */
  inPlace?: boolean;
  /** Added after the bias, before the activation (a residual connection): x's shape and dtype. */
  residual?: Tensor | null;
}

export interface Kernels {
  // elementwise
  unary(op: UnaryOp, x: Tensor): Tensor;
  /** NumPy broadcasting; comparisons and logical ops return bool, others the dtype of `a` (== dtype of `b`). */
  binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor;
  /** Broadcasts all three; `a` and `b` share a dtype. */
  where(cond: Tensor, a: Tensor, b: Tensor): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  /** relu's (or relu6's) gradient in one pass: dy where x > 0 (and x < 6 for relu6), else 0; same shapes and dtype. */
  reluBackprop(op: "relu" | "relu6", dy: Tensor, x: Tensor): Tensor;

  // reductions: the reduced axes are removed from the output shape
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor;
  /** Index of the max/min along one axis (first one on ties), int32, axis removed. */
  argReduce(op: "argmax" | "argmin", x: Tensor, axis: number): Tensor;

  // linear algebra: rank >= 2, leading (batch) dimensions broadcast
  matmul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor;

  // movement
  transpose(x: Tensor, perm: readonly number[]): Tensor;
  /** begin/size fully resolved (no -1). */
  slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor;
  /** Per-axis resolved start and step and the output shape; steps may be negative. */
  stridedSlice(x: Tensor, begin: readonly number[], strides: readonly number[], outShape: Shape): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  pad(x: Tensor, paddings: readonly (readonly [number, number])[], mode: "constant" | "reflect" | "symmetric", value: number): Tensor;
  tile(x: Tensor, reps: readonly number[]): Tensor;
  /** Gathers slices along `axis` at int32 `indices` (any rank); output shape x[:axis] + indices + x[axis+1:]. */
  gather(x: Tensor, indices: Tensor, axis: number): Tensor;
  /** The adjoint of gather: zeros of `shape`, then `updates` added at `indices` along `axis`. */
  scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor;
  reverse(x: Tensor, axes: readonly number[]): Tensor;

  // convolution (NHWC, HWIO filters; depthwise filters [kh, kw, C, multiplier])
  conv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor;
  conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor;
  conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor;
  depthwiseConv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor;
  depthwiseConv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor;
  depthwiseConv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor;

  // pooling (NHWC)
  maxPool2d(x: Tensor, p: Pool2dParams): Tensor;
  /** Routes dy to the first maximum of each window (as TF does). */
  maxPool2dBackprop(dy: Tensor, x: Tensor, p: Pool2dParams): Tensor;
  avgPool2d(x: Tensor, p: Pool2dParams): Tensor;
  avgPool2dBackprop(dy: Tensor, xShape: Shape, p: Pool2dParams): Tensor;

  // image resizing (NHWC)
  resizeBilinear(x: Tensor, size: [number, number], p: ResizeParams): Tensor;
  resizeBilinearBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor;
  resizeNearest(x: Tensor, size: [number, number], p: ResizeParams): Tensor;
  resizeNearestBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor;

  // fused inference epilogue (bias, folded batch norm and activation in one pass)
  /**
   * act(x * scale + bias [+ residual]) with scale and bias of shape [channels] along `p.axis` (either may be
   * null); each product and sum is rounded separately, so the result equals mul, add(s) and the activation op.
   */
  biasActivation(x: Tensor, bias: Tensor | null, activation: BiasActivation, scale: Tensor | null, p: BiasActivationParams): Tensor;
}

/** A named set of kernels. A backend may implement a subset and fall back to the reference for the rest. */
export interface Backend {
  readonly name: string;
  readonly kernels: Kernels;
}
