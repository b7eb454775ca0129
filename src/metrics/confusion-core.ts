// Keras' update_confusion_matrix_variables on plain arrays (internal): confusion counts per threshold.
import { broadcastTo } from "../ops/broadcast.js";
import { cast } from "../ops/cast.js";
import { expandDims, squeeze } from "../ops/reshape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";

/** Keras' NEG_INF: the score given to entries outside the top k. */
export const NEG_INF = -1e10;
const f32 = Math.fround;

export interface ConfusionCounts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
}

export interface ConfusionOptions {
  thresholds: number[];
  /** Thresholds i/(n-1) (possibly with ±ε ends): Keras then counts by bucket, not by comparison. */
  evenly: boolean;
  topK?: number | null;
  classId?: number | null;
  sampleWeight?: TensorLike | null;
  /** Count per label (the last axis of a rank-2 yPred): counts are [thresholds, labels]. */
  multiLabel?: boolean;
  labelWeights?: Float32Array | null;
}

/** Keras' is_evenly_distributed_thresholds. */
export function evenlyDistributed(thresholds: number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - f32(i) / (n - 1)) <= 1e-7 + 1e-5 * Math.abs(f32(i) / (n - 1)));
}

/** Keeps the k largest entries of each row (first on ties, as top_k), the rest set to NEG_INF. */
function filterTopK(p: Float32Array, classes: number, k: number): Float32Array {
  const out = new Float32Array(p.length).fill(NEG_INF);
  for (let r = 0; r < p.length / classes; r++) {
    const idx = Array.from({ length: classes }, (_, j) => j).sort((a, b) => p[r * classes + b] - p[r * classes + a] || a - b);
    for (const j of idx.slice(0, k)) out[r * classes + j] = p[r * classes + j];
  }
  return out;
}

/** The confusion counts of one batch (added to the metric's state by the caller). */
export function confusionCounts(op: string, yTrue: TensorLike, yPred: TensorLike, o: ConfusionOptions): ConfusionCounts {
  let [p, t] = squeezeOrExpandToSameRank(cast(toTensor(yPred, op), "float32"), cast(toTensor(yTrue, op, "float32"), "float32"));
  let w: Tensor | null = null;
  if (o.sampleWeight !== undefined && o.sampleWeight !== null) {
    w = expandDims(cast(toTensor(o.sampleWeight, op, "float32"), "float32"), -1);
    // Keras aligns the weights with yTrue without expanding rank-1 labels.
    if (w.rank === t.rank + 1 && w.shape[w.rank - 1] === 1) w = squeeze(w, -1);
  }
  let pv = p.values as Float32Array;
  let shape = [...p.shape];
  if (o.topK !== undefined && o.topK !== null) pv = filterTopK(pv, shape[shape.length - 1], o.topK);
  let tv = t.values as Float32Array;
  if (w) w = broadcastTo(w, p.shape);
  let wv = w ? (w.values as Float32Array) : null;
  if (o.classId !== undefined && o.classId !== null) {
    if (p.rank < 2) throw new RangeError(`${op}: classId needs yPred of shape [samples, classes], got ${fmtShape(p.shape)}`);
    const c = shape[shape.length - 1];
    const pick = (a: Float32Array): Float32Array => Float32Array.from({ length: a.length / c }, (_, i) => a[i * c + o.classId!]);
    pv = pick(pv);
    tv = pick(tv);
    if (wv) wv = pick(wv);
    shape = [...shape.slice(0, -1), 1];
  }
  const labels = o.multiLabel ? shape[shape.length - 1] : 1;
  if (o.multiLabel && shape.length !== 2) throw new RangeError(`${op}: multiLabel needs yPred of rank 2, got ${fmtShape(shape)}`);
  const th = o.thresholds;
  const T = th.length;
  const counts: ConfusionCounts = {
    tp: new Float64Array(T * labels), fp: new Float64Array(T * labels), tn: new Float64Array(T * labels), fn: new Float64Array(T * labels),
  };
  const weightAt = (i: number): number => {
    let x = wv ? wv[i] : 1;
    if (o.labelWeights && !o.multiLabel) x = f32(x * o.labelWeights[i % o.labelWeights.length]);
    return x;
  };
  if (o.evenly) {
    // Keras' bucketed count: score p falls in bucket ceil(p·(T-1)) - 1; a threshold counts the buckets above it.
    const withEpsilon = th[0] < 0 || th[T - 1] > 1;
    const tpB = new Float64Array(T * labels);
    const fpB = new Float64Array(T * labels);
    const totT = new Float64Array(labels);
    const totF = new Float64Array(labels);
    for (let i = 0; i < pv.length; i++) {
      const l = i % labels;
      const x = Math.min(Math.max(pv[i], 0), 1);
      let b = Math.ceil(f32(x * (T - 1))) - 1;
      if (withEpsilon) b = Math.max(b, 0);
      const wt = weightAt(i);
      const pos = tv[i] !== 0 ? 1 : 0;
      totT[l] += pos * wt;
      totF[l] += (1 - pos) * wt;
      if (b < 0) continue;
      tpB[b * labels + l] += pos * wt;
      fpB[b * labels + l] += (1 - pos) * wt;
    }
    for (let l = 0; l < labels; l++) {
      let accT = 0;
      let accF = 0;
      for (let k = T - 1; k >= 0; k--) {
        accT += tpB[k * labels + l];
        accF += fpB[k * labels + l];
        counts.tp[k * labels + l] = accT;
        counts.fp[k * labels + l] = accF;
        counts.fn[k * labels + l] = totT[l] - accT;
        counts.tn[k * labels + l] = totF[l] - accF;
      }
    }
    return counts;
  }
  for (let k = 0; k < T; k++) {
    const thr = f32(th[k]);
    for (let i = 0; i < pv.length; i++) {
      const j = k * labels + (i % labels);
      const wt = weightAt(i);
      const predPos = pv[i] > thr;
      const labelPos = tv[i] !== 0;
      if (labelPos && predPos) counts.tp[j] += wt;
      else if (labelPos) counts.fn[j] += wt;
      else if (predPos) counts.fp[j] += wt;
      else counts.tn[j] += wt;
    }
  }
  return counts;
}
