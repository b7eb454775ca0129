// Per-sample loss functions with Keras 3's formulas (keras.losses.<name>): each returns one loss
// per sample (the last axis reduced), unweighted and unreduced over the batch.
import { add, div, maximum, minimum, mul, neg, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { lessEqual, notEqual, where } from "../ops/compare.js";
import { abs, clip, log, rsqrt, square } from "../ops/math.js";
import { softplus } from "../ops/activations.js";
import { max, mean, sum } from "../ops/reduce.js";
import { expandDims, squeeze } from "../ops/reshape.js";
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from "../ops/nn.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { fmtShape, normalizeAxis, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { logitsOf } from "../ops/logits-memo.js";
import { squeezeOrExpandToSameRank } from "./reduction.js";
import { EPSILON, lossOperands } from "./operands.js";

function sameRank(op: string, yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  const [t, p] = lossOperands(op, yTrue, yPred);
  return squeezeOrExpandToSameRank(t, p);
}

function sameShape(op: string, t: Tensor, p: Tensor): void {
  if (!shapesEqual(t.shape, p.shape))
    throw new RangeError(`${op}: yTrue ${fmtShape(t.shape)} and yPred ${fmtShape(p.shape)} must have the same shape`);
}

/** mean((yTrue - yPred)², axis -1). */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = sameRank("meanSquaredError", yTrue, yPred);
  return mean(square(sub(t, p)), -1);
}

/** mean(|yTrue - yPred|, axis -1). */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = sameRank("meanAbsoluteError", yTrue, yPred);
  return mean(abs(sub(t, p)), -1);
}

/** 100 · mean(|(yTrue - yPred) / max(|yTrue|, ε)|, axis -1). */
export function meanAbsolutePercentageError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = sameRank("meanAbsolutePercentageError", yTrue, yPred);
  return mul(mean(abs(div(sub(t, p), maximum(abs(t), EPSILON))), -1), 100);
}

/** mean((log(max(yPred, ε) + 1) - log(max(yTrue, ε) + 1))², axis -1). */
export function meanSquaredLogarithmicError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = sameRank("meanSquaredLogarithmicError", yTrue, yPred);
  return mean(square(sub(log(add(maximum(p, EPSILON), 1)), log(add(maximum(t, EPSILON), 1)))), -1);
}

/** Keras' L2 normalization: x · min(rsqrt(sum(x², axis)), 1/ε). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, minimum(rsqrt(sum(square(x), axis, { keepDims: true })), 1 / EPSILON));
}

/** -sum(normalize(yTrue) · normalize(yPred), axis): -1 for parallel vectors, as a loss to minimize. */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, opts: { axis?: number } = {}): Tensor {
  const axis = opts.axis ?? -1;
  const [t, p] = sameRank("cosineSimilarity", yTrue, yPred);
  return neg(sum(mul(l2Normalize(t, axis), l2Normalize(p, axis)), axis));
}

/** Quadratic within `delta` (default 1) of the target, linear beyond: mean over axis -1. */
export function huber(yTrue: TensorLike, yPred: TensorLike, opts: { delta?: number } = {}): Tensor {
  const delta = opts.delta ?? 1;
  const [t, p] = sameRank("huber", yTrue, yPred);
  const error = sub(p, t);
  const absError = abs(error);
  const quadratic = mul(square(error), 0.5);
  const linear = sub(mul(absError, delta), 0.5 * delta * delta);
  return mean(where(lessEqual(absError, delta), quadratic, linear), -1);
}

/** mean(log(cosh(yPred - yTrue)), axis -1), computed stably as x + softplus(-2x) - log 2. */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = sameRank("logCosh", yTrue, yPred);
  const x = sub(p, t);
  return mean(sub(add(x, softplus(mul(x, -2))), Math.log(2)), -1);
}

/** Keras turns 0/1 labels into -1/1 for the hinge losses (when every label is 0 or 1). */
function hingeLabels(t: Tensor): Tensor {
  for (const v of t.values) if (v !== 0 && v !== 1) return t;
  return sub(mul(t, 2), 1);
}

/** mean(max(1 - yTrue · yPred, 0), axis -1), labels -1/1 (0/1 converted). */
export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = lossOperands("hinge", yTrue, yPred);
  return mean(maximum(sub(1, mul(hingeLabels(t), p)), 0), -1);
}

/** mean(max(1 - yTrue · yPred, 0)², axis -1), labels -1/1 (0/1 converted). */
export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = lossOperands("squaredHinge", yTrue, yPred);
  return mean(square(maximum(sub(1, mul(hingeLabels(t), p)), 0)), -1);
}

/** max(max((1 - yTrue) · yPred) - sum(yTrue · yPred) + 1, 0) over axis -1 (one-hot yTrue). */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = lossOperands("categoricalHinge", yTrue, yPred);
  const pos = sum(mul(t, p), -1);
  const negative = max(mul(sub(1, t), p), -1);
  return maximum(add(sub(negative, pos), 1), 0);
}

/** Kullback-Leibler divergence sum(yTrue · log(yTrue / yPred), axis -1), both clipped to [ε, 1]. */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t0, p0] = lossOperands("klDivergence", yTrue, yPred);
  const t = clip(t0, EPSILON, 1);
  const p = clip(p0, EPSILON, 1);
  return sum(mul(t, log(div(t, p))), -1);
}

/** mean(yPred - yTrue · log(yPred + ε), axis -1). */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = lossOperands("poisson", yTrue, yPred);
  return mean(sub(p, mul(t, log(add(p, EPSILON)))), -1);
}

export interface CrossentropyOptions {
  /** yPred holds logits rather than probabilities. */
  fromLogits?: boolean;
  /** Move targets toward uniform by this amount in [0, 1]. */
  labelSmoothing?: number;
  axis?: number;
}

/**
 * Binary crossentropy, the mean over `axis` (default -1). Probabilities are clipped to [ε, 1 - ε];
 * a sigmoid output whose logits were recorded is computed from its logits, as Keras does.
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts: CrossentropyOptions = {}): Tensor {
  const op = "binaryCrossentropy";
  let [t, p] = lossOperands(op, yTrue, yPred);
  sameShape(op, t, p);
  const ls = opts.labelSmoothing ?? 0;
  if (ls) t = add(mul(t, 1 - ls), 0.5 * ls);
  const logits = logitsOf(p, "sigmoid") ?? (opts.fromLogits ? p : null);
  let bce: Tensor;
  if (logits) bce = sigmoidCrossEntropyWithLogits(t, logits);
  else {
    const o = clip(p, EPSILON, 1 - EPSILON);
    bce = neg(add(mul(t, log(o)), mul(sub(1, t), log(sub(1, o)))));
  }
  return mean(bce, opts.axis ?? -1);
}

/**
 * Categorical crossentropy over `axis` (default -1) with one-hot (or soft) targets. Probabilities
 * are renormalized to sum to 1 and clipped to [ε, 1 - ε]; a softmax output whose logits were
 * recorded is computed from its logits, as Keras does.
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts: CrossentropyOptions = {}): Tensor {
  const op = "categoricalCrossentropy";
  let [t, p] = lossOperands(op, yTrue, yPred);
  sameShape(op, t, p);
  if (p.rank < 1) throw new RangeError(`${op}: expected yPred of rank >= 1, got a scalar`);
  const axis = normalizeAxis(op, opts.axis ?? -1, p.rank);
  const ls = opts.labelSmoothing ?? 0;
  // Keras smooths over the last axis' size whatever `axis` is.
  if (ls) t = add(mul(t, 1 - ls), ls / t.shape[t.rank - 1]);
  const logits = logitsOf(p, "softmax") ?? (opts.fromLogits ? p : null);
  if (logits) return softmaxCrossEntropyWithLogits(t, logits, axis);
  const o = clip(div(p, sum(p, axis, { keepDims: true })), EPSILON, 1 - EPSILON);
  return neg(sum(mul(t, log(o)), axis));
}

export interface SparseCrossentropyOptions {
  fromLogits?: boolean;
  /** A label value whose samples are ignored (loss 0, left out of the mean). */
  ignoreClass?: number | null;
  /** The class axis; only -1 (the last), as in Keras' TensorFlow backend. */
  axis?: number;
}

/**
 * Crossentropy with integer class labels [...] against yPred [..., classes] (labels [..., 1] are
 * squeezed). Probabilities are clipped to [ε, 1 - ε]; recorded softmax logits are used, as Keras does.
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts: SparseCrossentropyOptions = {}): Tensor {
  return sparseCrossentropyWithMask(yTrue, yPred, opts)[0];
}

/** The per-sample losses and, with ignoreClass, the mask of samples that count. */
export function sparseCrossentropyWithMask(yTrue: TensorLike, yPred: TensorLike, opts: SparseCrossentropyOptions = {}): [Tensor, Tensor | null] {
  const op = "sparseCategoricalCrossentropy";
  let [t, p] = lossOperands(op, yTrue, yPred);
  if (p.rank < 1) throw new RangeError(`${op}: expected yPred of rank >= 1, got a scalar`);
  const axis = opts.axis ?? -1;
  if (axis !== -1 && axis !== p.rank - 1) throw new RangeError(`${op}: only axis -1 is supported, got ${axis}`);
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  if (!shapesEqual(t.shape, p.shape.slice(0, -1)))
    throw new RangeError(`${op}: labels ${fmtShape(t.shape)} must have the shape of yPred ${fmtShape(p.shape)} without its last (class) axis`);
  let valid: Tensor | null = null;
  if (opts.ignoreClass !== undefined && opts.ignoreClass !== null) {
    valid = notEqual(t, opts.ignoreClass);
    t = where(valid, t, 0);
    p = where(expandDims(valid, -1), p, 0);
  }
  let logits = logitsOf(p, "softmax") ?? (opts.fromLogits ? p : null);
  // Without logits Keras takes log(clip(p)) as logits, so the loss is -log(p_y) + log(sum(p)).
  logits ??= log(clip(p, EPSILON, 1 - EPSILON));
  let res = sparseSoftmaxCrossEntropyWithLogits(cast(t, "int32"), logits);
  if (valid) res = where(valid, res, 0);
  return [res, valid];
}

export interface TripletLossOptions {
  /** The margin between positive and negative distances. */
  alpha?: number;
}

/**
 * The FaceNet triplet loss, as the Coursera assignment writes it: with squared distances over the
 * last axis, sum(max(|a - p|² - |a - n|² + alpha, 0)) over the batch (alpha default 0.2).
 */
export function tripletLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike, opts: TripletLossOptions = {}): Tensor {
  const alpha = opts.alpha ?? 0.2;
  const a = toTensor(anchor, "tripletLoss");
  const posDist = sum(square(sub(a, positive)), -1);
  const negDist = sum(square(sub(a, negative)), -1);
  return sum(maximum(add(sub(posDist, negDist), alpha), 0));
}

// Keras' short names for the same functions.
export { meanSquaredError as mse, meanAbsoluteError as mae, meanAbsolutePercentageError as mape };
export { meanSquaredLogarithmicError as msle, klDivergence as kld };

