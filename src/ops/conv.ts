import type { Conv2dParams } from "../backends/backend.js";
import type { TensorLike } from "../tensor/create.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type DataFormat, type Padding, assertRank4, conv2dSetup, effective, filterRank4, fromNHWC, geometry, resolveOptions,
  resolvePadding, shapeToNHWC, toNHWC,
} from "./conv-geometry.js";
import {
  conv2dFilterGrad, conv2dInputGrad, conv2dNHWC, depthwiseFilterGrad, depthwiseInputGrad, depthwiseNHWC,
} from "./conv-primitives.js";
import { assertNumeric, operands } from "./operands.js";

export type { DataFormat, Padding } from "./conv-geometry.js";

export interface Conv2dOptions {
  /** Step of the window: a number or [height, width]. Default 1. */
  strides?: number | readonly [number, number];
  /** "valid" (default), "same" (TF's rule), or explicit [[top, bottom], [left, right]]. */
  padding?: Padding;
  /** Dilation rate: a number or [height, width]. Default 1. */
  dilations?: number | readonly [number, number];
  /** Layout of the input and output: "channelsLast" (NHWC, default) or "channelsFirst" (NCHW). */
  dataFormat?: DataFormat;
}


function checkShape4(op: string, what: string, s: readonly number[]): void {
  if (s.length !== 4 || s.some((d) => !Number.isInteger(d) || d < 1))
    throw new RangeError(`${op}: ${what} must be 4 positive integers, got ${JSON.stringify(s)}`);
}

/**
 * 2-D convolution (cross-correlation, as in TF/Keras) of a batch of images with an HWIO filter
 * [kh, kw, inChannels, outChannels].
 *
 * @example
 * conv2d(randomNormal([8, 32, 32, 3]), randomNormal([3, 3, 3, 16]), { padding: "same" }); // [8, 32, 32, 16]
 */
export function conv2d(x: TensorLike, filter: TensorLike, opts: Conv2dOptions = {}): Tensor {
  const op = "conv2d";
  const [xt, w] = operands(op, x, filter);
  assertNumeric(op, xt, w);
  const { xs, p, format } = conv2dSetup(op, xt, w, opts);
  return fromNHWC(conv2dNHWC(xs, w, p), format);
}

/**
 * The gradient of conv2d with respect to its input, as an op: given dy (conv2d's output shape),
 * the filter and the input shape (in `dataFormat` layout). Differentiable in dy and filter.
 */
export function conv2dBackpropInput(
  dy: TensorLike, filter: TensorLike, inputShape: readonly number[], opts: Conv2dOptions = {},
): Tensor {
  const op = "conv2dBackpropInput";
  const [g, w] = operands(op, dy, filter);
  assertNumeric(op, g, w);
  const r = resolveOptions(op, opts);
  assertRank4(op, "dy", g, r.format);
  filterRank4(op, w, "(height, width, inChannels, outChannels)");
  checkShape4(op, "inputShape", inputShape);
  const xs = shapeToNHWC(inputShape, r.format);
  const gs = toNHWC(g, r.format);
  if (xs[3] !== w.shape[2] || gs.shape[3] !== w.shape[3])
    throw new RangeError(`${op}: filter ${fmtShape(w.shape)} does not map ${xs[3]} input channels to the ${gs.shape[3]} channels of dy`);
  const p = geometry(op, xs, w.shape, r, opts.padding ?? "valid", gs.shape.slice(1, 3));
  return fromNHWC(conv2dInputGrad(gs, w, xs, p), r.format);
}

/**
 * The gradient of conv2d with respect to its filter, as an op: given the input x, dy and the
 * filter shape [kh, kw, inChannels, outChannels]. Differentiable in x and dy.
 */
export function conv2dBackpropFilter(
  x: TensorLike, dy: TensorLike, filterShape: readonly number[], opts: Conv2dOptions = {},
): Tensor {
  const op = "conv2dBackpropFilter";
  const [xt, g] = operands(op, x, dy);
  assertNumeric(op, xt, g);
  const r = resolveOptions(op, opts);
  assertRank4(op, "input", xt, r.format);
  assertRank4(op, "dy", g, r.format);
  checkShape4(op, "filterShape", filterShape);
  const xs = toNHWC(xt, r.format);
  const gs = toNHWC(g, r.format);
  if (xs.shape[3] !== filterShape[2] || gs.shape[3] !== filterShape[3] || xs.shape[0] !== gs.shape[0])
    throw new RangeError(
      `${op}: input ${fmtShape(xt.shape)} and dy ${fmtShape(g.shape)} do not match filterShape ${fmtShape(filterShape)}`,
    );
  const p = geometry(op, xs.shape, filterShape, r, opts.padding ?? "valid", gs.shape.slice(1, 3));
  return conv2dFilterGrad(xs, gs, filterShape, p);
}

/** Keras's deconv_output_length (no output padding); `k` already dilated. */
function transposedLength(n: number, k: number, s: number, padding: Padding, axis: number): number {
  if (padding === "same") return n * s;
  if (padding === "valid") return n * s + Math.max(k - s, 0);
  const p = padding as readonly (readonly number[])[];
  return (n - 1) * s + k - p[axis][0] - p[axis][1];
}

/**
 * Transposed convolution ("deconvolution"): the input gradient of a conv2d whose filter is
 * [kh, kw, outChannels, inChannels]. `outputShape` ([height, width], or the full 4-D shape in
 * `dataFormat` layout) defaults to Keras's: `in * stride` for "same", `in * stride + max(k - stride, 0)` for "valid".
 *
 * @example
 * conv2dTranspose(randomNormal([1, 8, 8, 16]), randomNormal([3, 3, 4, 16]), null, { strides: 2, padding: "same" }); // [1, 16, 16, 4]
 */
export function conv2dTranspose(
  x: TensorLike, filter: TensorLike, outputShape?: readonly number[] | null, opts: Conv2dOptions = {},
): Tensor {
  const op = "conv2dTranspose";
  const [xt, w] = operands(op, x, filter);
  assertNumeric(op, xt, w);
  const r = resolveOptions(op, opts);
  const padding = opts.padding ?? "valid";
  assertRank4(op, "input", xt, r.format);
  filterRank4(op, w, "(height, width, outChannels, inChannels)");
  const xs = toNHWC(xt, r.format);
  if (xs.shape[3] !== w.shape[3])
    throw new RangeError(`${op}: input has ${xs.shape[3]} channels but the filter ${fmtShape(w.shape)} expects ${w.shape[3]} (last axis)`);
  const eff = effective([w.shape[0], w.shape[1]], r.dilations);
  let hw: [number, number];
  if (outputShape === undefined || outputShape === null) {
    if (padding !== "valid" && padding !== "same") resolvePadding(op, padding, [1, 1], [1, 1], [1, 1]); // validates
    hw = [0, 1].map((i) => transposedLength(xs.shape[i + 1], eff[i], r.strides[i], padding, i)) as [number, number];
  } else if (outputShape.length === 2) {
    hw = [outputShape[0], outputShape[1]];
  } else if (outputShape.length === 4) {
    const s = shapeToNHWC(outputShape, r.format);
    if (s[0] !== xs.shape[0] || s[3] !== w.shape[2])
      throw new RangeError(`${op}: outputShape ${fmtShape(outputShape)} must have batch ${xs.shape[0]} and ${w.shape[2]} channels`);
    hw = [s[1], s[2]];
  } else {
    throw new RangeError(`${op}: outputShape must be [height, width] or a 4-D shape, got ${JSON.stringify(outputShape)}`);
  }
  const ys = [xs.shape[0], hw[0], hw[1], w.shape[2]];
  checkShape4(op, "outputShape", ys);
  const p = geometry(op, ys, w.shape, r, padding, xs.shape.slice(1, 3));
  return fromNHWC(conv2dInputGrad(xs, w, ys, p), r.format);
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own `multiplier` filters;
 * filter [kh, kw, inChannels, multiplier], output channel c * multiplier + m.
 */
export function depthwiseConv2d(x: TensorLike, filter: TensorLike, opts: Conv2dOptions = {}): Tensor {
  const op = "depthwiseConv2d";
  const [xt, w] = operands(op, x, filter);
  assertNumeric(op, xt, w);
  const r = resolveOptions(op, opts);
  assertRank4(op, "input", xt, r.format);
  filterRank4(op, w, "(height, width, inChannels, multiplier)");
  const xs = toNHWC(xt, r.format);
  if (xs.shape[3] !== w.shape[2])
    throw new RangeError(`${op}: input has ${xs.shape[3]} channels but the filter ${fmtShape(w.shape)} expects ${w.shape[2]}`);
  const p = geometry(op, xs.shape, w.shape, r, opts.padding ?? "valid");
  return fromNHWC(depthwiseNHWC(xs, w, p), r.format);
}

/** The input gradient of depthwiseConv2d, as an op (inputShape in `dataFormat` layout). */
export function depthwiseConv2dBackpropInput(
  dy: TensorLike, filter: TensorLike, inputShape: readonly number[], opts: Conv2dOptions = {},
): Tensor {
  const op = "depthwiseConv2dBackpropInput";
  const [g, w] = operands(op, dy, filter);
  assertNumeric(op, g, w);
  const r = resolveOptions(op, opts);
  assertRank4(op, "dy", g, r.format);
  filterRank4(op, w, "(height, width, inChannels, multiplier)");
  checkShape4(op, "inputShape", inputShape);
  const xs = shapeToNHWC(inputShape, r.format);
  const gs = toNHWC(g, r.format);
  if (xs[3] !== w.shape[2] || gs.shape[3] !== w.shape[2] * w.shape[3])
    throw new RangeError(`${op}: filter ${fmtShape(w.shape)} does not match ${xs[3]} input channels and ${gs.shape[3]} dy channels`);
  const p = geometry(op, xs, w.shape, r, opts.padding ?? "valid", gs.shape.slice(1, 3));
  return fromNHWC(depthwiseInputGrad(gs, w, xs, p), r.format);
}

/** The filter gradient of depthwiseConv2d, as an op. */
export function depthwiseConv2dBackpropFilter(
  x: TensorLike, dy: TensorLike, filterShape: readonly number[], opts: Conv2dOptions = {},
): Tensor {
  const op = "depthwiseConv2dBackpropFilter";
  const [xt, g] = operands(op, x, dy);
  assertNumeric(op, xt, g);
  const r = resolveOptions(op, opts);
  assertRank4(op, "input", xt, r.format);
  assertRank4(op, "dy", g, r.format);
  checkShape4(op, "filterShape", filterShape);
  const xs = toNHWC(xt, r.format);
  const gs = toNHWC(g, r.format);
  if (xs.shape[3] !== filterShape[2] || gs.shape[3] !== filterShape[2] * filterShape[3] || xs.shape[0] !== gs.shape[0])
    throw new RangeError(
      `${op}: input ${fmtShape(xt.shape)} and dy ${fmtShape(g.shape)} do not match filterShape ${fmtShape(filterShape)}`,
    );
  const p = geometry(op, xs.shape, filterShape, r, opts.padding ?? "valid", gs.shape.slice(1, 3));
  return depthwiseFilterGrad(xs, gs, filterShape, p);
}
