// Reference fused batch-normalization kernels (any float dtype): x viewed as [outer, C, inner] around the
// channel axis, per-channel sums accumulated in float64 (two passes for the moments, as the composite).
import type { BatchNormActivation, BatchNormBackpropOptions, BatchNormGrads, BatchNormTrainResult } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";

/** [outer, C, inner] of x around `axis`. */
export function channelView(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** Per-channel sums of f(i, ch) over every element index i of channel ch, in float64. */
function channelSums(outer: number, c: number, inner: number, f: (i: number, ch: number) => number): Float64Array {
  const s = new Float64Array(c);
  for (let o = 0, i = 0; o < outer; o++)
    for (let ch = 0; ch < c; ch++) {
      let t = 0;
      for (let j = 0; j < inner; j++, i++) t += f(i, ch);
      s[ch] += t;
    }
  return s;
}

/** out[i] = f(i, channel of i) over every element. */
function perElement(out: TypedArray, outer: number, c: number, inner: number, f: (i: number, ch: number) => number): void {
  for (let o = 0, i = 0; o < outer; o++)
    for (let ch = 0; ch < c; ch++) for (let j = 0; j < inner; j++, i++) out[i] = f(i, ch);
}

function vec(t: Tensor, values: ArrayLike<number>): Tensor {
  const out = allocStorage(t.dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return new Tensor(out, [values.length], t.dtype);
}

/** The output pass's per-channel factor invStd * scale. */
function outputScale(invStd: Tensor, scale: Tensor | null): Float64Array {
  return Float64Array.from(invStd.values, (s, ch) => (scale ? s * scale.values[ch] : s));
}

/** relu keeping NaN, as the relu op. */
const relu = (v: number): number => (v > 0 ? v : v === v ? 0 : v);

export function batchNormTrain(
  x: Tensor, axis: number, scale: Tensor | null, offset: Tensor | null, epsilon: number, activation: BatchNormActivation = "linear",
): BatchNormTrainResult {
  const [outer, c, inner] = channelView(x.shape, axis);
  const v = x.values;
  const n = outer * inner;
  const mean = channelSums(outer, c, inner, (i) => v[i]).map((s) => s / n);
  // Rounded to x's dtype first, as the composite's mean is, then the deviations from it.
  const m = vec(x, mean).values;
  const variance = channelSums(outer, c, inner, (i, ch) => (v[i] - m[ch]) ** 2).map((s) => s / n);
  const invStd = vec(x, variance.map((s) => 1 / Math.sqrt(s + epsilon)));
  // From invStd as the caller gets it (rounded to the dtype), so that a relu-fused backprop recomputes y's signs exactly.
  const k = outputScale(invStd, scale);
  const y = allocStorage(x.dtype, x.size);
  perElement(y, outer, c, inner, (i, ch) => (v[i] - m[ch]) * k[ch] + (offset ? offset.values[ch] : 0));
  // Rounded to the dtype first (the typed array), then the relu, as two ops would.
  if (activation === "relu") for (let i = 0; i < y.length; i++) y[i] = relu(y[i]);
  return { y: new Tensor(y, x.shape, x.dtype), mean: vec(x, mean), variance: vec(x, variance), invStd };
}

export function batchNormBackprop(
  dy: Tensor, x: Tensor, axis: number, mean: Tensor, invStd: Tensor, scale: Tensor | null, dmean: Tensor | null, dvariance: Tensor | null,
  opts: BatchNormBackpropOptions = {},
): BatchNormGrads {
  const [outer, c, inner] = channelView(x.shape, axis);
  const v = x.values;
  let g = dy.values;
  if (opts.relu) {
    // relu's gradient folded in: dy where the fused forward's output was positive, that output recomputed as
    // batchNormTrain computes it (rounded to the dtype before the sign test).
    const k = outputScale(invStd, scale);
    const off = opts.relu.offset?.values;
    const round = x.dtype === "float32" ? Math.fround : (z: number) => z;
    const masked = allocStorage(dy.dtype, dy.size);
    const m = mean.values;
    perElement(masked, outer, c, inner, (i, ch) => (round((v[i] - m[ch]) * k[ch] + (off ? off[ch] : 0)) > 0 ? g[i] : 0));
    g = masked;
  }
  const m = mean.values;
  const n = outer * inner;
  const sdy = channelSums(outer, c, inner, (i) => g[i]);
  const sdxm = channelSums(outer, c, inner, (i, ch) => g[i] * (v[i] - m[ch]));
  const is = invStd.values;
  const gain = Array.from(is, (s, ch) => (scale ? s * scale.values[ch] : s));
  // dx = gain * dy + b * (x - mean) + e per channel (see the Kernels contract).
  const b = gain.map((k, ch) => -k * is[ch] * is[ch] * sdxm[ch] / n + (dvariance ? (2 * dvariance.values[ch]) / n : 0));
  const e = gain.map((k, ch) => -k * sdy[ch] / n + (dmean ? dmean.values[ch] / n : 0));
  const dx = allocStorage(x.dtype, x.size);
  perElement(dx, outer, c, inner, (i, ch) => gain[ch] * g[i] + b[ch] * (v[i] - m[ch]) + e[ch]);
  const grads: BatchNormGrads = {
    dx: new Tensor(dx, x.shape, x.dtype),
    dscale: vec(x, Array.from(sdxm, (s, ch) => s * is[ch])),
    doffset: vec(x, sdy),
  };
  if (opts.dxSum) grads.dxSum = vec(x, channelSums(outer, c, inner, (i) => dx[i]));
  return grads;
}

export function batchNormInference(
  x: Tensor, axis: number, mean: Tensor, variance: Tensor, scale: Tensor | null, offset: Tensor | null, epsilon: number,
): Tensor {
  const [outer, c, inner] = channelView(x.shape, axis);
  const v = x.values;
  const m = mean.values;
  const k = Array.from(variance.values, (s, ch) => (scale ? scale.values[ch] : 1) / Math.sqrt(s + epsilon));
  const y = allocStorage(x.dtype, x.size);
  perElement(y, outer, c, inner, (i, ch) => (v[i] - m[ch]) * k[ch] + (offset ? offset.values[ch] : 0));
  return new Tensor(y, x.shape, x.dtype);
}
