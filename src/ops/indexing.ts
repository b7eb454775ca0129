import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, arange, scalar, toTensor } from "../tensor/create.js";
import { type DType, assertDType } from "../tensor/dtype.js";
import { fmtShape, normalizeAxis, sizeOf, stridesOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkIndices, scatterAdd, toIndices } from "./scatter.js";
import { type StridedSliceOptions, resolveStridedSlice } from "./strided-slice-spec.js";
import { reshape } from "./reshape.js";
import { transpose } from "./movement.js";

export type { StridedSliceOptions } from "./strided-slice-spec.js";

/**
 * Slices with TensorFlow's strided-slice semantics: per entry a begin, an (exclusive) end and a
 * stride (negative strides walk backwards), and bit masks for omitted bounds, `...`, new axes and
 * single-index (shrunk) axes. `x[1:, ::-2, 0]` is `stridedSlice(x, [1, 0, 0], [0, 0, 1], [1, -2, 1],
 * {endMask: 3, beginMask: 2, shrinkAxisMask: 4})`.
 */
export function stridedSlice(
  x: TensorLike,
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  opts: StridedSliceOptions = {},
): Tensor {
  const t = toTensor(x, "stridedSlice");
  const spec = resolveStridedSlice(t.shape, begin, end, strides, opts);
  const dense = kernels().stridedSlice(t, spec.begin, spec.strides, spec.denseShape);
  const out = record("stridedSlice", [t], dense, ([dy]) => {
    // The adjoint scatters dy back axis by axis; untouched axes (the whole range, in order) are skipped.
    let g = dy;
    for (let d = t.rank - 1; d >= 0; d--) {
      const n = t.shape[d];
      if (spec.strides[d] === 1 && spec.begin[d] === 0 && spec.denseShape[d] === n) continue;
      const idx = new Int32Array(spec.denseShape[d]);
      for (let i = 0; i < idx.length; i++) idx[i] = spec.begin[d] + i * spec.strides[d];
      const shape = [...g.shape];
      shape[d] = n;
      g = scatterAdd(g, new Tensor(idx, [idx.length], "int32"), d, shape);
    }
    return [g];
  });
  return reshape(out, spec.finalShape);
}

export interface GatherOptions {
  /** Leading dimensions shared by `x` and `indices`: each batch gathers from its own slice. */
  batchDims?: number;
}

/**
 * Takes slices of `x` along `axis` at int32 `indices` (any rank): the output shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Out-of-range indices are an error, as in TF on CPU.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]); // [[5, 6], [1, 2]]
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0, opts: GatherOptions = {}): Tensor {
  const t = toTensor(x, "gather");
  const idx = toIndices("gather", indices);
  const batchDims = opts.batchDims ?? 0;
  if (t.rank === 0) throw new RangeError("gather: cannot gather from a scalar (rank 0)");
  const a = normalizeAxis("gather", axis, t.rank);
  if (batchDims !== 0) return batchGather(t, idx, a, batchDims);
  checkIndices("gather", idx, t.shape[a], a, t.shape);
  const out = kernels().gather(t, idx, a);
  return record("gather", [t], out, ([dy]) => [scatterAdd(dy, idx, a, t.shape)]);
}

/** gather with batch dimensions, as a plain gather over the batch-flattened tensor. */
function batchGather(t: Tensor, idx: Tensor, axis: number, batchDims: number): Tensor {
  const b = batchDims < 0 ? batchDims + idx.rank : batchDims;
  if (!Number.isInteger(b) || b < 0 || b > idx.rank || b > axis)
    throw new RangeError(`gather: batchDims ${batchDims} must be in [0, ${Math.min(idx.rank, axis)}] for indices ${fmtShape(idx.shape)} and axis ${axis}`);
  for (let d = 0; d < b; d++)
    if (t.shape[d] !== idx.shape[d])
      throw new RangeError(`gather: with batchDims ${b}, x ${fmtShape(t.shape)} and indices ${fmtShape(idx.shape)} must agree on the first ${b} dimensions`);
  if (b === 0) return gather(t, idx, axis);
  const batch = t.shape.slice(0, b);
  const nb = sizeOf(batch);
  const mid = t.shape.slice(b, axis);
  const n = t.shape[axis];
  const rest = t.shape.slice(axis + 1);
  // Bring the gathered axis right after the batch, fold batch and axis into one, and offset the indices.
  const perm = [...batch.map((_, i) => i), axis, ...mid.map((_, i) => b + i), ...rest.map((_, i) => axis + 1 + i)];
  const folded = reshape(transpose(t, perm), [nb * n, ...mid, ...rest]);
  const per = idx.size / Math.max(nb, 1);
  const flat = new Int32Array(idx.size);
  for (let k = 0; k < idx.size; k++) {
    const i = idx.values[k];
    if (i < 0 || i >= n) checkIndices("gather", idx, n, axis, t.shape);
    flat[k] = Math.floor(k / per) * n + i;
  }
  const inner = idx.shape.slice(b);
  const g = gather(folded, new Tensor(flat, [nb, ...inner], "int32"), 0); // [nb, inner..., mid..., rest...]
  const ni = inner.length;
  const nm = mid.length;
  const back = [0, ...mid.map((_, i) => 1 + ni + i), ...inner.map((_, i) => 1 + i), ...rest.map((_, i) => 1 + ni + nm + i)];
  return reshape(transpose(g, back), [...batch, ...mid, ...inner, ...rest]);
}

/**
 * Gathers slices of `x` at the multi-indices in the last dimension of `indices`: output shape
 * indices.shape[:-1] + x.shape[indices.shape[-1]:], as tf.gather_nd.
 */
export function gatherNd(x: TensorLike, indices: TensorLike): Tensor {
  const t = toTensor(x, "gatherNd");
  const idx = toIndices("gatherNd", indices);
  if (idx.rank === 0) throw new RangeError("gatherNd: indices must have rank >= 1 (the last dimension holds the multi-index)");
  const k = idx.shape[idx.rank - 1];
  if (k > t.rank) throw new RangeError(`gatherNd: index depth ${k} exceeds the rank of x ${fmtShape(t.shape)}`);
  const lead = t.shape.slice(0, k);
  const st = stridesOf(lead);
  const flat = new Int32Array(sizeOf(idx.shape.slice(0, -1)));
  for (let r = 0; r < flat.length; r++) {
    let off = 0;
    for (let j = 0; j < k; j++) {
      const i = idx.values[r * k + j];
      if (i < 0 || i >= lead[j])
        throw new RangeError(`gatherNd: index ${i} at indices position ${r}, component ${j} is out of range [0, ${lead[j]}) for x ${fmtShape(t.shape)}`);
      off += i * st[j];
    }
    flat[r] = off;
  }
  const folded = reshape(t, [sizeOf(lead), ...t.shape.slice(k)]);
  return gather(folded, new Tensor(flat, idx.shape.slice(0, -1), "int32"), 0);
}

/**
 * Sums slices of `data` into `numSegments` rows by segment id (ids of shape data.shape[:ids.rank]),
 * as tf.math.unsorted_segment_sum: the adjoint of gather.
 */
export function unsortedSegmentSum(data: TensorLike, segmentIds: TensorLike, numSegments: number): Tensor {
  const t = toTensor(data, "unsortedSegmentSum");
  const ids = toIndices("unsortedSegmentSum", segmentIds);
  if (!Number.isInteger(numSegments) || numSegments < 0)
    throw new RangeError(`unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  if (fmtShape(t.shape.slice(0, ids.rank)) !== fmtShape(ids.shape))
    throw new RangeError(`unsortedSegmentSum: segmentIds ${fmtShape(ids.shape)} must be a prefix of the data shape ${fmtShape(t.shape)}`);
  const rest = t.shape.slice(ids.rank);
  const flatIds = reshape(ids, [ids.size]);
  checkIndices("unsortedSegmentSum", ids, numSegments, 0, [numSegments, ...rest]);
  return scatterAdd(reshape(t, [ids.size, ...rest]), flatIds, 0, [numSegments, ...rest]);
}

export interface OneHotOptions {
  onValue?: number;
  offValue?: number;
  /** Where the new axis of size `depth` goes (default -1, last). */
  axis?: number;
  dtype?: DType;
}

/** One-hot encodes int32 `indices` into a new axis of size `depth`; indices outside [0, depth) give all-off rows (as TF). */
export function oneHot(indices: TensorLike, depth: number, opts: OneHotOptions = {}): Tensor {
  const idx = toIndices("oneHot", indices);
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`oneHot: depth must be a non-negative integer, got ${depth}`);
  const { onValue = 1, offValue = 0 } = opts;
  const dtype = assertDType(opts.dtype ?? "float32");
  const axis = normalizeAxis("oneHot", opts.axis ?? -1, idx.rank + 1);
  const k = kernels();
  const hot = k.binary("equal", new Tensor(idx.values, [...idx.shape, 1], "int32"), arange(0, depth, 1, "int32"));
  const out = k.where(hot, scalar(onValue, dtype), scalar(offValue, dtype));
  if (axis === idx.rank) return out;
  const perm = out.shape.map((_, i) => i);
  perm.splice(axis, 0, perm.pop()!);
  return transpose(out, perm);
}
