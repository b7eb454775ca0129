// Internal: TensorFlow's strided-slice specification (masks, ellipsis, new and shrunk axes) resolved
// into per-axis start, step and size, following tensorflow/core/util/strided_slice_op.cc.
import { type Shape, fmtShape } from "../tensor/shape.js";

export interface StridedSliceOptions {
  /** Bit i set: ignore begin[i] and start from the first element in the slice direction. */
  beginMask?: number;
  /** Bit i set: ignore end[i] and run to the last element in the slice direction. */
  endMask?: number;
  /** Bit i set: entry i is `...`, standing for as many full axes as needed. At most one bit. */
  ellipsisMask?: number;
  /** Bit i set: entry i inserts a new axis of size 1 (its begin/end/stride are ignored). */
  newAxisMask?: number;
  /** Bit i set: entry i takes the single element begin[i] and removes the axis. */
  shrinkAxisMask?: number;
}

export interface ResolvedStridedSlice {
  /** Per input axis: first index read (may be -1 or n when the size is 0), step, count. */
  begin: number[];
  strides: number[];
  denseShape: number[];
  /** The output shape after new axes are inserted and shrunk axes removed. */
  finalShape: number[];
}

const NEW_AXIS = -1;
const SHRINK = -2;

function bitCount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}

/** Resolves a strided slice of a tensor of `shape`; errors name the op and say what is wrong. */
export function resolveStridedSlice(
  shape: Shape,
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[] | undefined,
  opts: StridedSliceOptions,
): ResolvedStridedSlice {
  const op = "stridedSlice";
  const st = strides ?? begin.map(() => 1);
  if (end.length !== begin.length || st.length !== begin.length)
    throw new RangeError(`${op}: begin, end and strides must have the same length, got ${begin.length}, ${end.length} and ${st.length}`);
  if (begin.length > 30) throw new RangeError(`${op}: at most 30 slice entries are supported, got ${begin.length}`);
  for (const v of [...begin, ...end, ...st])
    if (!Number.isInteger(v)) throw new TypeError(`${op}: begin, end and strides must be integers, got ${v}`);
  const rank = shape.length;
  const full = (1 << begin.length) - 1;
  const beginMask = (opts.beginMask ?? 0) & full;
  const endMask = (opts.endMask ?? 0) & full;
  const newAxisMask = (opts.newAxisMask ?? 0) & full;
  const shrinkMask = (opts.shrinkAxisMask ?? 0) & full;
  let ellipsisMask = (opts.ellipsisMask ?? 0) & full;
  if (bitCount(ellipsisMask) > 1) throw new RangeError(`${op}: at most one ellipsis is allowed, got ellipsisMask ${ellipsisMask}`);
  let sparse = begin.length;
  // Without an explicit ellipsis, the unmentioned trailing axes are taken whole: an implicit one at the end.
  if (ellipsisMask === 0) {
    ellipsisMask = 1 << sparse;
    sparse++;
  }
  const ellipsisAt = Math.log2(ellipsisMask & -ellipsisMask);
  let newAfterEllipsis = 0;
  for (let i = ellipsisAt + 1; i < sparse; i++) if (newAxisMask & (1 << i)) newAfterEllipsis++;

  const dBegin = new Array<number>(rank).fill(0);
  const dEnd = new Array<number>(rank).fill(0);
  const dStride = new Array<number>(rank).fill(1);
  const dBeginMasked = new Array<boolean>(rank).fill(false);
  const dEndMasked = new Array<boolean>(rank).fill(false);
  const dShrink = new Array<boolean>(rank).fill(false);
  const gatherIdx: number[] = [];
  const entryOf = new Array<number>(rank).fill(-1);
  let fullIndex = 0;
  for (let i = 0; i < sparse; i++) {
    const bit = 1 << i;
    if (ellipsisMask & bit) {
      const next = Math.min(rank - (sparse - i) + 1 + newAfterEllipsis, rank);
      for (; fullIndex < next; fullIndex++) {
        dBeginMasked[fullIndex] = dEndMasked[fullIndex] = true;
        gatherIdx.push(fullIndex);
      }
    } else if (newAxisMask & bit) {
      gatherIdx.push(NEW_AXIS);
    } else {
      if (fullIndex >= rank)
        throw new RangeError(`${op}: the slice has more entries than the ${rank} axes of ${fmtShape(shape)}`);
      dBegin[fullIndex] = begin[i];
      dEnd[fullIndex] = end[i];
      dStride[fullIndex] = st[i];
      dBeginMasked[fullIndex] = (beginMask & bit) !== 0;
      dEndMasked[fullIndex] = (endMask & bit) !== 0;
      dShrink[fullIndex] = (shrinkMask & bit) !== 0;
      entryOf[fullIndex] = i;
      gatherIdx.push(dShrink[fullIndex] ? SHRINK : fullIndex);
      fullIndex++;
    }
  }

  const outBegin: number[] = [];
  const denseShape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const n = shape[d];
    const s = dStride[d];
    if (s === 0) throw new RangeError(`${op}: strides[${entryOf[d]}] must be non-zero`);
    if (dShrink[d]) {
      if (s < 0) throw new RangeError(`${op}: a shrunk axis (entry ${entryOf[d]}) needs a positive stride, got ${s}`);
      const b = dBegin[d] < 0 ? n + dBegin[d] : dBegin[d];
      if (b < 0 || b >= n)
        throw new RangeError(`${op}: index ${dBegin[d]} (entry ${entryOf[d]}) is out of range for axis ${d} of size ${n} in ${fmtShape(shape)}`);
      outBegin.push(b);
      denseShape.push(1);
      continue;
    }
    const lo = s > 0 ? 0 : -1;
    const hi = s > 0 ? n : n - 1;
    // A masked begin/end starts or stops at the end of the valid range in the slice direction.
    const canonical = (x: number, masked: boolean, isEnd: boolean): number => {
      if (masked) return (s > 0) !== isEnd ? lo : hi;
      const f = x < 0 ? n + x : x;
      return f < lo ? lo : f > hi ? hi : f;
    };
    const b = canonical(dBegin[d], dBeginMasked[d], false);
    const e = canonical(dEnd[d], dEndMasked[d], true);
    const len = e - b;
    const size = len === 0 || len < 0 !== s < 0 ? 0 : Math.ceil(len / s);
    outBegin.push(b);
    denseShape.push(size);
  }
  const finalShape: number[] = [];
  for (const g of gatherIdx) {
    if (g === NEW_AXIS) finalShape.push(1);
    else if (g !== SHRINK) finalShape.push(denseShape[g]);
  }
  return { begin: outBegin, strides: dStride, denseShape, finalShape };
}
