// Accuracy metrics (keras.metrics accuracy family): per-sample match functions and their Mean classes.
import { cast } from "../ops/cast.js";
import { equal, greater } from "../ops/compare.js";
import { argmax } from "../ops/reduce.js";
import { reshape, squeeze } from "../ops/reshape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { MeanMetricWrapper } from "./reduction.js";

function floatPred(op: string, yPred: TensorLike): Tensor {
  const p = toTensor(yPred, op);
  return isFloat(p.dtype) ? p : cast(p, "float32");
}

/** 1 where yTrue equals yPred exactly, else 0. */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = floatPred("accuracy", yPred);
  const [t, q] = squeezeOrExpandToSameRank(cast(toTensor(yTrue, "accuracy", p.dtype), p.dtype), p);
  return cast(equal(t, q), "float32");
}

/** 1 where (yPred > threshold) equals yTrue (threshold default 0.5). */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, opts: { threshold?: number } = {}): Tensor {
  const p0 = floatPred("binaryAccuracy", yPred);
  const [t, p] = squeezeOrExpandToSameRank(toTensor(yTrue, "binaryAccuracy", p0.dtype), p0);
  return cast(equal(t, cast(greater(p, opts.threshold ?? 0.5), t.dtype)), "float32");
}

/** 1 where argmax(yPred) equals argmax(yTrue) over the last axis (one-hot yTrue). */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = floatPred("categoricalAccuracy", yPred);
  let t = argmax(toTensor(yTrue, "categoricalAccuracy"), -1);
  const shape = t.shape;
  let reshapeMatches = false;
  if (t.rank === p.rank) {
    t = squeeze(t, -1);
    reshapeMatches = true;
  }
  const matches = cast(equal(t, argmax(p, -1)), "float32");
  return reshapeMatches ? reshape(matches, shape) : matches;
}

/** 1 where argmax(yPred) over the last axis equals the integer label yTrue. */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = floatPred("sparseCategoricalAccuracy", yPred);
  let t = cast(toTensor(yTrue, "sparseCategoricalAccuracy", p.dtype), p.dtype);
  const shape = t.shape;
  let reshapeMatches = false;
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) {
    t = squeeze(t, -1);
    reshapeMatches = true;
  }
  let matches = cast(equal(t, cast(argmax(p, -1), t.dtype)), "float32");
  if (reshapeMatches) matches = reshape(matches, shape);
  if (matches.rank > 1 && matches.shape[matches.rank - 1] === 1) matches = squeeze(matches, -1);
  return matches;
}

/**
 * TensorFlow's in_top_k: for each row of predictions [n, classes], whether the target's score is
 * among the k largest (ties at the boundary count as in; non-finite scores never do).
 */
function inTopK(targets: ArrayLike<number>, preds: Tensor, k: number): Tensor {
  const classes = preds.shape[preds.rank - 1];
  const n = preds.size / classes;
  const out = new Float32Array(n);
  const v = preds.values;
  for (let i = 0; i < n; i++) {
    const c = targets[i];
    if (!(c >= 0 && c < classes)) continue;
    const score = v[i * classes + c];
    if (!Number.isFinite(score)) continue;
    let above = 0;
    for (let j = 0; j < classes; j++) if (v[i * classes + j] > score) above++;
    out[i] = above < k ? 1 : 0;
  }
  return new Tensor(out, [n], "float32");
}

/** 1 where the class of one-hot yTrue is among the k (default 5) top-scored classes of yPred. */
export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, opts: { k?: number } = {}): Tensor {
  const p = floatPred("topKCategoricalAccuracy", yPred);
  const t = argmax(toTensor(yTrue, "topKCategoricalAccuracy"), -1);
  const m = inTopK(t.values, p, opts.k ?? 5);
  return t.rank > 1 ? reshape(m, t.shape) : m;
}

/** 1 where the integer label yTrue is among the k (default 5) top-scored classes of yPred. */
export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, opts: { k?: number } = {}): Tensor {
  const p = floatPred("sparseTopKCategoricalAccuracy", yPred);
  const t = cast(toTensor(yTrue, "sparseTopKCategoricalAccuracy", "int32"), "int32");
  const m = inTopK(t.values, p, opts.k ?? 5);
  return t.rank > 1 ? reshape(m, t.shape) : m;
}

/** Mean of exact matches. */
export class Accuracy extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(accuracy, { name: o.name ?? "accuracy" });
  }
}

/** Mean binary accuracy at `threshold` (default 0.5). */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;
  constructor(o: { name?: string; threshold?: number } = {}) {
    const threshold = o.threshold ?? 0.5;
    super((t, p) => binaryAccuracy(t, p, { threshold }), { name: o.name ?? "binary_accuracy" });
    this.threshold = threshold;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

/** Mean categorical accuracy (one-hot labels). */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(categoricalAccuracy, { name: o.name ?? "categorical_accuracy" });
  }
}

/** Mean sparse categorical accuracy (integer labels). */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(sparseCategoricalAccuracy, { name: o.name ?? "sparse_categorical_accuracy" });
  }
}

/** Mean top-k accuracy (one-hot labels; k default 5). */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  constructor(o: { name?: string; k?: number } = {}) {
    const k = o.k ?? 5;
    super((t, p) => topKCategoricalAccuracy(t, p, { k }), { name: o.name ?? "top_k_categorical_accuracy" });
    this.k = k;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

/** Mean top-k accuracy (integer labels; k default 5). */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  constructor(o: { name?: string; k?: number } = {}) {
    const k = o.k ?? 5;
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, { k }), { name: o.name ?? "sparse_top_k_categorical_accuracy" });
    this.k = k;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}
