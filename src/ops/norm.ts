import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { fmtShape, keptShape, normalizeAxes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, mul, neg, sub } from "./arithmetic.js";
import { rsqrt } from "./math.js";
import { channelVector, fusedBatchNorm, fusedBatchNormalization, fusedNorm } from "./norm-fused.js";
import { moments } from "./reduce.js";
import { reshape } from "./reshape.js";

/**
 * Normalizes with given statistics, as tf.nn.batch_normalization:
 * `x * inv + (offset - mean * inv)` with `inv = scale / sqrt(variance + epsilon)`; all arguments
 * broadcast against x. `offset` and `scale` may be null. When all of them are per-channel along one axis of x
 * (batch normalization at inference) it runs as one fused pass.
 *
 * @example
 * batchNormalization(x, movingMean, movingVariance, beta, gamma, 1e-3);
 */
export function batchNormalization(
  x: TensorLike, mean: TensorLike, variance: TensorLike, offset: TensorLike | null = null, scale: TensorLike | null = null,
  epsilon = 1e-3,
): Tensor {
  const t = floatTensor("batchNormalization", x);
  if (fusedNorm.enabled) {
    const p = (v: TensorLike | null): Tensor | null => (v === null ? null : toTensor(v, "batchNormalization", t.dtype));
    const y = fusedBatchNormalization(t, p(mean)!, p(variance)!, p(offset), p(scale), epsilon);
    if (y !== null) return y;
  }
  return compositeBatchNormalization(t, mean, variance, offset, scale, epsilon);
}

function compositeBatchNormalization(
  t: Tensor, mean: TensorLike, variance: TensorLike, offset: TensorLike | null, scale: TensorLike | null, epsilon: number,
): Tensor {
  let inv = rsqrt(add(variance, epsilon));
  if (scale !== null) inv = mul(inv, scale);
  const shift = offset !== null ? sub(offset, mul(mean, inv)) : neg(mul(mean, inv));
  return add(mul(t, inv), shift);
}

export interface BatchNormOptions {
  /** The channel axis, kept; statistics are taken over every other axis. Default -1. */
  axis?: number;
  epsilon?: number;
  /** beta: shape [channels] or broadcastable to x. */
  offset?: TensorLike | null;
  /** gamma: shape [channels] or broadcastable to x. */
  scale?: TensorLike | null;
}

/**
 * Training-mode batch normalization: moments over every axis but `axis`, then
 * batchNormalization. Returns the output and the batch mean and (population) variance, both of
 * shape [channels], for updating moving statistics. With per-channel (or no) offset and scale it runs on
 * fused kernels: two passes forward, two backward.
 */
export function batchNorm(x: TensorLike, opts: BatchNormOptions = {}): { output: Tensor; mean: Tensor; variance: Tensor } {
  const op = "batchNorm";
  const t = floatTensor(op, x);
  if (t.rank < 1) throw new RangeError(`${op}: expected a tensor of rank >= 1, got a scalar`);
  const [ch] = normalizeAxes(op, opts.axis ?? -1, t.rank);
  if (fusedNorm.enabled) {
    // Per-channel (or absent) offset and scale as [C] tensors; undefined when one is laid out otherwise.
    const vec = (p: TensorLike | null | undefined): Tensor | null | undefined =>
      p == null ? null : (channelVector(toTensor(p, op, t.dtype), t, ch) ?? undefined);
    const o = vec(opts.offset);
    const s = vec(opts.scale);
    if (o !== undefined && s !== undefined) return fusedBatchNorm(t, ch, s, o, opts.epsilon ?? 1e-3);
  }
  const offset = channelParam(op, "offset", opts.offset, t, ch);
  const scale = channelParam(op, "scale", opts.scale, t, ch);
  const axes = t.shape.map((_, i) => i).filter((i) => i !== ch);
  const m = moments(t, axes, { keepDims: true });
  const output = compositeBatchNormalization(t, m.mean, m.variance, offset, scale, opts.epsilon ?? 1e-3);
  return { output, mean: reshape(m.mean, [t.shape[ch]]), variance: reshape(m.variance, [t.shape[ch]]) };
}

export interface LayerNormOptions {
  /** The axes normalized over (default -1, the last). */
  axes?: number | readonly number[];
  epsilon?: number;
  /** beta: shape of the normalized axes, or broadcastable to x. */
  offset?: TensorLike | null;
  /** gamma: shape of the normalized axes, or broadcastable to x. */
  scale?: TensorLike | null;
}

/**
 * Layer normalization, as Keras's LayerNormalization: moments over `axes` of each example, then batchNormalization.
 * Trailing axes run on the fused batch-norm kernels (x as [rows, features], one "channel" per row), then scale and offset.
 */
export function layerNorm(x: TensorLike, opts: LayerNormOptions = {}): Tensor {
  const op = "layerNorm";
  const t = floatTensor(op, x);
  const axes = normalizeAxes(op, opts.axes ?? -1, t.rank);
  // Parameters over a single non-last axis are laid out along that axis.
  const param = (name: string, p: TensorLike | null | undefined): Tensor | null =>
    axes.length === 1 ? channelParam(op, name, p, t, axes[0]) : p == null ? null : toTensor(p, op);
  const offset = param("offset", opts.offset);
  const scale = param("scale", opts.scale);
  const epsilon = opts.epsilon ?? 1e-3;
  if (fusedNorm.enabled && axes.length > 0 && axes.every((a, i) => a === t.rank - axes.length + i)) {
    const features = axes.reduce((n, a) => n * t.shape[a], 1);
    const rows = features > 0 ? t.size / features : 0;
    let y = reshape(batchNorm(reshape(t, [rows, features]), { axis: 0, epsilon }).output, t.shape);
    if (scale !== null) y = mul(y, scale);
    return offset !== null ? add(y, offset) : y;
  }
  const m = moments(t, axes, { keepDims: true });
  return batchNormalization(t, m.mean, m.variance, offset, scale, epsilon);
}

function floatTensor(op: string, x: TensorLike): Tensor {
  const t = toTensor(x, op);
  if (!isFloat(t.dtype)) throw new TypeError(`${op}: expected a float tensor, got dtype ${t.dtype}`);
  return t;
}

/** A per-channel parameter: rank 1 of the channel size is laid out along `ch`; others broadcast as given. */
function channelParam(op: string, name: string, p: TensorLike | null | undefined, x: Tensor, ch: number): Tensor | null {
  if (p === null || p === undefined) return null;
  const t = toTensor(p, op, x.dtype);
  if (t.rank !== 1 || (t.shape[0] === 1 && x.shape[ch] !== 1)) return t;
  if (t.shape[0] !== x.shape[ch])
    throw new RangeError(`${op}: ${name} of shape ${fmtShape(t.shape)} does not match ${x.shape[ch]} channels of ${fmtShape(x.shape)} (axis ${ch})`);
  return reshape(t, keptShape(x.shape, x.shape.map((_, i) => i).filter((i) => i !== ch)));
}
