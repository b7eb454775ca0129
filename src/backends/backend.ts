import type { DType, TypedArray } from "../tensor/dtype.js";
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
/** The activation a fused convolution epilogue applies after the bias. */
export type FusedActivation = "linear" | "relu" | "relu6";

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

/** batchNormTrain's outputs: y like x, and per-channel [C] batch mean, population variance and 1 / sqrt(variance + epsilon). */
export interface BatchNormTrainResult {
  y: Tensor;
  mean: Tensor;
  variance: Tensor;
  invStd: Tensor;
}

/** batchNormBackprop's outputs: dx like x, and per-channel [C] gradients of scale and offset. */
export interface BatchNormGrads {
  dx: Tensor;
  dscale: Tensor;
  doffset: Tensor;
  /** Per-channel [C] sums of dx (the gradient of a bias added before the norm), when asked for. */
  dxSum?: Tensor;
}

/** The activation batchNormTrain applies in its output pass. */
export type BatchNormActivation = "linear" | "relu";

/** batchNormBackprop's fused extras (all optional: absent, it is the plain batch-norm gradient). */
export interface BatchNormBackpropOptions {
  /**
   * The forward was relu-fused (batchNormTrain with "relu") with this offset (null: none): dy counts only where the
   * forward's output was positive, which the kernel recomputes from x exactly as batchNormTrain computed it (given
   * its mean and invStd), so the output is not read (relu's gradient folded in).
   */
  relu?: { offset: Tensor | null } | null;
  /** Also return dxSum. */
  dxSum?: boolean;
}

/**
 * Fused optimizer updates (src/optimizers): scalars as the optimizer computes them in float64; the
 * kernels round each one to the tensors' dtype and every arithmetic step to it, exactly as the
 * composite ops do, so a fused step equals the op path bit for bit.
 */
export interface AdamUpdateParams {
  /** The step size lr * sqrt(1 - beta2^t) / (1 - beta1^t). */
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay applied first (w -= w * weightDecay * lr); null for none. */
  weightDecay: number | null;
  /** The learning rate (used only by weight decay). */
  lr: number;
}

/**
 * Arrays a fused update may overwrite with an output (of the same dtype and size) instead of allocating
 * one: the caller guarantees no tensor or other holder still uses them. Others are ignored.
 */
export type UpdateReuse = Partial<Record<"m" | "v" | "vhat" | "vel" | "avg", TypedArray>>;

export interface SgdUpdateParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number | null;
}

export interface RmspropUpdateParams {
  lr: number;
  rho: number;
  momentum: number;
  epsilon: number;
  weightDecay: number | null;
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

/** A filter a backend prepared for repeated convolutions (opaque outside the backend). */
export type PackedFilter = ArrayBuffer;

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
  // depthwise: both gradients of depthwiseConv2d(x, w) for dy at once, [dx, dw] (one pass over x and dy natively)
  depthwiseConv2dBackprop(x: Tensor, dy: Tensor, w: Tensor, p: Conv2dParams): [Tensor, Tensor];

  // fused convolution epilogue (inference; no gradient): conv2d or depthwiseConv2d, then + bias (null:
  // none; [cout], or [C * multiplier] for depthwise, same dtype as x), then the activation, in one pass.
  // `out`, when given, is storage of the output's size and dtype to write into (its old contents are
  // ignored; the result is a tensor over it): the inference plan recycles dead activations this way.
  // `packed`: the filter prepared by packConv2dFilter for repeated calls (ignored when it no longer fits).
  // `residual` (of the output's shape and dtype), when given, is added after the bias, before the activation
  // (a residual block's add, in the same pass).
  conv2dBiasActivation(
    x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams, out?: TypedArray, packed?: PackedFilter | null,
    residual?: Tensor | null,
  ): Tensor;
  /**
   * The filter w laid out once for the backend's convolution of an input of shape `xShape` with geometry p,
   * to pass to conv2dBiasActivation on every later call with the same w (the inference plan's constant
   * weights); null when the backend has nothing to prepare for that convolution.
   */
  packConv2dFilter(xShape: Shape, w: Tensor, p: Conv2dParams): PackedFilter | null;
  depthwiseConv2dBiasActivation(x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams, out?: TypedArray): Tensor;
  /**
   * A 1x1 convolution of x (NHWC) with w1 [1, 1, cin, ce] (+ bias1, act1), stride 1 and no padding, then a
   * depthwise convolution of that with w2 [kh, kw, ce, 1] and geometry p (+ bias2, act2): an inverted residual
   * block's expand and depthwise layers, whose intermediate tensor a backend need not store whole. `packed1`:
   * w1 prepared by packConv2dFilter for the 1x1 convolution (or null). `out` as in conv2dBiasActivation.
   */
  expandDepthwise(
    x: Tensor, w1: Tensor, bias1: Tensor | null, act1: FusedActivation, packed1: PackedFilter | null,
    w2: Tensor, bias2: Tensor | null, act2: FusedActivation, p: Conv2dParams, out?: TypedArray,
  ): Tensor;

  // pooling (NHWC)
  maxPool2d(x: Tensor, p: Pool2dParams): Tensor;
  /** Routes dy to the first maximum of each window (as TF does). */
  maxPool2dBackprop(dy: Tensor, x: Tensor, p: Pool2dParams): Tensor;
  avgPool2d(x: Tensor, p: Pool2dParams): Tensor;
  avgPool2dBackprop(dy: Tensor, xShape: Shape, p: Pool2dParams): Tensor;

  // softmax
  /** softmax (or, with `log`, log-softmax) along the last axis; float dtypes. */
  softmax(x: Tensor, log: boolean): Tensor;

  // image resizing (NHWC)
  resizeBilinear(x: Tensor, size: [number, number], p: ResizeParams): Tensor;
  resizeBilinearBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor;
  resizeNearest(x: Tensor, size: [number, number], p: ResizeParams): Tensor;
  resizeNearestBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor;

  // fused batch normalization: statistics per channel along `axis` (x viewed as [outer, C, inner]);
  // every per-channel argument and result is a [C] tensor of x's dtype, null where absent
  /** Batch moments, then y = (x - mean) * invStd * scale + offset (relu(y) when `activation` is "relu"). */
  batchNormTrain(x: Tensor, axis: number, scale: Tensor | null, offset: Tensor | null, epsilon: number, activation?: BatchNormActivation): BatchNormTrainResult;
  /**
   * Gradients of batchNormTrain given dy and the gradients of its mean and variance outputs (null: zero):
   * dx = scale * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)) + dmean / M + 2 * dvariance * (x - mean) / M,
   * with xhat = (x - mean) * invStd and M the elements per channel; dscale = sum(dy * xhat), doffset = sum(dy).
   * With `opts.relu` (a relu-fused forward), dy is first replaced by dy where that forward's output is > 0, else 0.
   */
  batchNormBackprop(
    dy: Tensor, x: Tensor, axis: number, mean: Tensor, invStd: Tensor, scale: Tensor | null, dmean: Tensor | null, dvariance: Tensor | null,
    opts?: BatchNormBackpropOptions,
  ): BatchNormGrads;
  /** y = (x - mean) * scale / sqrt(variance + epsilon) + offset with given statistics. */
  batchNormInference(x: Tensor, axis: number, mean: Tensor, variance: Tensor, scale: Tensor | null, offset: Tensor | null, epsilon: number): Tensor;

  // fused optimizer updates (float32/float64, all operands one shape and dtype): one pass over the
  // variable into fresh arrays, or the caller's `reuse` arrays; inputs are never written (tensors may be shared)
  /** Adam (Keras 3): new weight, momentum, velocity and (amsgrad, when `vhat` is given) velocity_hat. */
  adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, vhat: Tensor | null, p: AdamUpdateParams, reuse?: UpdateReuse): { w: Tensor; m: Tensor; v: Tensor; vhat: Tensor | null };
  /** SGD (Keras 3), with momentum when `m` is given. */
  sgdUpdate(w: Tensor, g: Tensor, m: Tensor | null, p: SgdUpdateParams, reuse?: UpdateReuse): { w: Tensor; m: Tensor | null };
  /** RMSprop (Keras 3): `m` when momentum > 0, `avg` when centered. */
  rmspropUpdate(w: Tensor, g: Tensor, vel: Tensor, m: Tensor | null, avg: Tensor | null, p: RmspropUpdateParams, reuse?: UpdateReuse): { w: Tensor; vel: Tensor; m: Tensor | null; avg: Tensor | null };

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
  /**
   * Hints that a burst of small kernels follows until called with false (a batch-1 predict): a backend
   * with worker threads keeps them awake between kernels. Optional; the hint ends by itself.
   */
  holdThreads?(on: boolean): void;
  /** Records a sequence of kernel calls to replay in one call (see KernelRecorder); optional. */
  readonly recorder?: KernelRecorder;
}

/**
 * Records the kernels a computation calls, to replay them later on new inputs without running the caller's
 * code again: the same kernels, arguments and storage, in one call (native/recorded.cc).
 */
export interface KernelRecorder {
  /** Starts recording; false when a recording is on already (an inner computation is recorded as part of it). */
  start(): boolean;
  /**
   * Ends the recording: `inputs` are the arrays the recorded kernels read the computation's inputs from,
   * `outputs` where they left its results. Null when a call could not be recorded (a kernel computed outside
   * the recorder, or nothing was recorded).
   */
  finish(inputs: Float32Array[], outputs: Float32Array[]): Recording | null;
  /** Drops the recording in progress (the computation threw). */
  abort(): void;
  /** Copies `inputs` in, runs the recorded calls, copies the results into `outputs` (sizes as recorded). */
  replay(recording: Recording, inputs: Float32Array[], outputs: Float32Array[]): void;
}

/** A recorded kernel sequence: opaque, its storage kept alive until it is collected. */
export type Recording = { readonly __recording: unique symbol };
