// The triplet loss with online semi-hard negative mining (FaceNet, Schroff et al. 2015, section 3.2), as
// TensorFlow Addons' TripletSemiHardLoss defines it: every anchor-positive pair of a batch is paired with the
// nearest negative that is farther than the positive, or, when none is, with the farthest negative.
import { add, div, mul, maximum, sub } from "../../ops/arithmetic.js";
import { cast } from "../../ops/cast.js";
import { lessEqual, logicalNot } from "../../ops/compare.js";
import { gatherNd } from "../../ops/indexing.js";
import { sqrt, square } from "../../ops/math.js";
import { matmul } from "../../ops/matmul.js";
import { transpose } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import { type TensorLike, eye, toTensor } from "../../tensor/create.js";
import { isFloat } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { noGrad } from "../../autograd/tape.js";

/** "L2": Euclidean distance (TF Addons' default); "squared-L2": its square (the course's tripletLoss). */
export type TripletDistanceMetric = "L2" | "squared-L2";

/**
 * Distances between all rows of `embeddings` [n, d] -> [n, n], as TF Addons' pairwise_distance: from
 * |a|² + |b|² - 2a·b clamped at 0, the square root taken only where positive (so the gradient stays finite
 * for equal rows), and an exact zero diagonal.
 *
 * @example
 * pairwiseDistances(tensor([[0, 0], [3, 4]])); // [[0, 5], [5, 0]]
 */
export function pairwiseDistances(embeddings: TensorLike, opts: { squared?: boolean } = {}): Tensor {
  const e = toTensor(embeddings, "pairwiseDistances");
  if (e.rank !== 2) throw new RangeError(`pairwiseDistances: expected embeddings [batch, dim], got ${fmtShape(e.shape)}`);
  if (!isFloat(e.dtype)) throw new TypeError(`pairwiseDistances: expected float embeddings, got ${e.dtype}`);
  const n = e.shape[0];
  const norms = sum(square(e), 1, { keepDims: true });
  const d2 = maximum(sub(add(norms, transpose(norms)), mul(matmul(e, e, { transposeB: true }), 2)), 0);
  const zero = lessEqual(d2, 0);
  const nonzero = cast(logicalNot(zero), e.dtype);
  const d = opts.squared ? d2 : sqrt(add(d2, mul(cast(zero, e.dtype), 1e-16)));
  return mul(mul(d, nonzero), sub(1, eye(n, n, e.dtype)));
}

/** One mined triplet: indices into the batch and the two distances. */
export interface MinedTriplet {
  anchor: number;
  positive: number;
  /** The chosen negative, or -1 when the anchor has no negative in the batch (its distance is then 0, as in TF Addons). */
  negative: number;
  positiveDistance: number;
  negativeDistance: number;
  /**
   * "semi-hard": the nearest negative farther than the positive (it adds to the loss when it is also within
   * the margin); "easiest": no negative is farther than the positive, so the farthest one is used.
   */
  kind: "semi-hard" | "easiest" | "none";
}

function checkLabels(op: string, labels: ArrayLike<number>, n: number): void {
  if (labels.length !== n) throw new RangeError(`${op}: got ${labels.length} labels for a batch of ${n} embeddings`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(labels[i])) throw new RangeError(`${op}: label ${i} is ${labels[i]}; labels must be numbers (identity ids)`);
}

/**
 * The semi-hard triplets of a batch from its labels and distance matrix (row-major [n, n]): one per ordered
 * anchor-positive pair (same label, anchor != positive), with the negative TF Addons' TripletSemiHardLoss
 * picks: the smallest anchor-negative distance greater than the anchor-positive distance, else the largest
 * anchor-negative distance. Ties go to the lower index.
 */
export function mineSemiHardTriplets(labels: ArrayLike<number>, distances: ArrayLike<number>, n: number): MinedTriplet[] {
  const op = "mineSemiHardTriplets";
  if (distances.length !== n * n) throw new RangeError(`${op}: expected ${n}x${n} = ${n * n} distances, got ${distances.length}`);
  checkLabels(op, labels, n);
  const out: MinedTriplet[] = [];
  for (let a = 0; a < n; a++) {
    const row = a * n;
    // The farthest negative is the same for every positive of this anchor.
    let far = -1;
    for (let k = 0; k < n; k++) if (labels[k] !== labels[a] && (far < 0 || distances[row + k] > distances[row + far])) far = k;
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const dap = distances[row + p];
      let near = -1;
      for (let k = 0; k < n; k++) {
        const dak = distances[row + k];
        if (labels[k] !== labels[a] && dak > dap && (near < 0 || dak < distances[row + near])) near = k;
      }
      const neg = near >= 0 ? near : far;
      out.push({
        anchor: a, positive: p, negative: neg, positiveDistance: dap, negativeDistance: neg >= 0 ? distances[row + neg] : 0,
        kind: near >= 0 ? "semi-hard" : far >= 0 ? "easiest" : "none",
      });
    }
  }
  return out;
}

export interface TripletSemiHardOptions {
  /** The margin between positive and negative distances (TF Addons' default 1.0). */
  margin?: number;
  /** Default "L2", as TF Addons. */
  distanceMetric?: TripletDistanceMetric;
}

/** The loss and what the mining found, for progress reports. */
export interface TripletBatchResult {
  loss: Tensor;
  triplets: MinedTriplet[];
  /** Triplets with a positive loss (margin + d(a,p) - d(a,n) > 0). */
  active: number;
}

/**
 * The semi-hard triplet loss of a batch with its mining details: mean over every anchor-positive pair of
 * max(margin + d(a, p) - d(a, n), 0), the negative n mined as in mineSemiHardTriplets from the batch's own
 * distances. Differentiable with respect to the embeddings (the mining itself is a selection, held fixed).
 */
export function tripletSemiHardBatch(labels: ArrayLike<number>, embeddings: TensorLike, opts: TripletSemiHardOptions = {}): TripletBatchResult {
  const op = "tripletSemiHardLoss";
  const margin = opts.margin ?? 1.0;
  const metric = opts.distanceMetric ?? "L2";
  if (!Number.isFinite(margin) || margin < 0) throw new RangeError(`${op}: margin must be a number >= 0, got ${margin}`);
  if (metric !== "L2" && metric !== "squared-L2") throw new RangeError(`${op}: distanceMetric must be "L2" or "squared-L2", got ${JSON.stringify(metric)}`);
  const e = toTensor(embeddings, op);
  if (e.rank !== 2) throw new RangeError(`${op}: expected embeddings [batch, dim], got ${fmtShape(e.shape)}`);
  const n = e.shape[0];
  checkLabels(op, labels, n);
  const dist = pairwiseDistances(e, { squared: metric === "squared-L2" });
  const triplets = noGrad(() => mineSemiHardTriplets(labels, dist.values, n));
  if (triplets.length === 0) {
    // No two embeddings share a label: nothing to pull together. (TF Addons divides by zero here: NaN.)
    return { loss: mul(sum(dist), 0), triplets, active: 0 };
  }
  const m = triplets.length;
  const ap = new Int32Array(2 * m);
  const an = new Int32Array(2 * m);
  triplets.forEach((t, i) => {
    ap[2 * i] = an[2 * i] = t.anchor;
    ap[2 * i + 1] = t.positive;
    // Without negatives TF Addons' masked maximum falls back to the row minimum: the zero diagonal.
    an[2 * i + 1] = t.negative >= 0 ? t.negative : t.anchor;
  });
  const dap = gatherNd(dist, new Tensor(ap, [m, 2], "int32"));
  const dan = gatherNd(dist, new Tensor(an, [m, 2], "int32"));
  const loss = div(sum(maximum(add(sub(dap, dan), margin), 0)), m);
  const active = triplets.filter((t) => margin + t.positiveDistance - t.negativeDistance > 0).length;
  return { loss, triplets, active };
}

/**
 * TF Addons' tfa.losses.TripletSemiHardLoss (margin 1.0, Euclidean distance by default): labels [n]
 * (identity ids), embeddings [n, d] -> a scalar.
 *
 * @example
 * tripletSemiHardLoss([0, 0, 1, 1], embeddings, { margin: 0.2 });
 */
export function tripletSemiHardLoss(labels: ArrayLike<number>, embeddings: TensorLike, opts: TripletSemiHardOptions = {}): Tensor {
  return tripletSemiHardBatch(labels, embeddings, opts).loss;
}
