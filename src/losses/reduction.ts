// Keras 3's loss reduction: sample weights, masks, and the reduction modes.
import { div, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { where } from "../ops/compare.js";
import { expandDims, squeeze } from "../ops/reshape.js";
import { sum } from "../ops/reduce.js";
import { type TensorLike, scalar, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * How per-sample losses become the loss: "sum_over_batch_size" (default; the mean over all
 * elements, also called "mean"), "sum", "mean_with_sample_weight" (divided by the sum of the
 * weights), or "none" / null (unreduced).
 */
export type Reduction = "sum_over_batch_size" | "sum" | "mean" | "mean_with_sample_weight" | "none" | null;

const REDUCTIONS = new Set(["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", null]);

export function checkReduction(where: string, r: unknown): Reduction {
  if (!REDUCTIONS.has(r as string)) throw new RangeError(`${where}: reduction must be one of ${[...REDUCTIONS].map(String).join(", ")}, got ${String(r)}`);
  return r as Reduction;
}

/**
 * Keras' squeeze_or_expand_to_same_rank: when ranks differ by one and the longer has a trailing 1,
 * squeeze it (or, when the shorter is rank 1, expand the shorter).
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (a.rank === b.rank) return [a, b];
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    if (b.rank === 1 && expandRank1) return [a, expandDims(b, -1)];
    return [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    if (a.rank === 1 && expandRank1) return [expandDims(a, -1), b];
    return [a, squeeze(b, -1)];
  }
  return [a, b];
}

/** x / y, or 0 where y is 0 (y a plain number here). */
function divideNoNan(x: Tensor, y: number): Tensor {
  return y === 0 ? mul(x, 0) : div(x, y);
}

/** Applies sample weights and a mask (true: counts) to per-sample losses, then reduces, as Keras' Loss does. */
export function reduceWeightedValues(
  values: Tensor,
  opts: { sampleWeight?: TensorLike | null; mask?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  const reduction = opts.reduction === undefined ? "sum_over_batch_size" : opts.reduction;
  let sw = opts.sampleWeight === undefined || opts.sampleWeight === null ? null : cast(toTensor(opts.sampleWeight, "loss", values.dtype), values.dtype);
  if (opts.mask) {
    let floatMask: Tensor;
    if (reduction === "mean" || reduction === "sum_over_batch_size") {
      // Masked-out entries get weight 0 and the rest total/valid, so that the mean is over valid entries.
      const valid = sum(cast(opts.mask, "float64")).item();
      floatMask = where(opts.mask, scalar(valid === 0 ? 0 : opts.mask.size / valid, values.dtype), scalar(0, values.dtype));
    } else floatMask = cast(opts.mask, values.dtype);
    if (sw) {
      const [m, w] = squeezeOrExpandToSameRank(floatMask, sw);
      sw = mul(w, m);
    } else sw = floatMask;
  }
  let v = values;
  if (sw) {
    [v, sw] = squeezeOrExpandToSameRank(v, sw);
    v = mul(v, sw);
  }
  if (reduction === null || reduction === "none" || v.rank === 0 || (v.rank === 1 && v.shape[0] === 0)) return v;
  const total = sum(v);
  if (reduction === "sum") return total;
  if (reduction === "mean_with_sample_weight" && sw) return divideNoNanTensor(total, sum(sw));
  return divideNoNan(total, v.size);
}

function divideNoNanTensor(x: Tensor, y: Tensor): Tensor {
  const d = y.item();
  return d === 0 ? mul(x, 0) : div(x, y);
}
