import type { Shape } from "../../tensor/shape.js";
import { broadcastStrides } from "../../tensor/shape.js";

/**
 * Calls `f(outIndex, offsetA, offsetB)` for every element of `outShape`, with the offsets of the
 * broadcast operands a and b. The innermost dimension runs in a tight loop.
 */
export function forEachBroadcast2(
  outShape: Shape,
  aShape: Shape,
  bShape: Shape,
  f: (o: number, ia: number, ib: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    f(0, 0, 0);
    return;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1];
  const ia1 = sa[rank - 1];
  const ib1 = sb[rank - 1];
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) outer *= outShape[d];
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank - 1; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    for (let j = 0; j < inner; j++) {
      f(o++, ia, ib);
      ia += ia1;
      ib += ib1;
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
}

/** Offsets into a tensor of `shape` read broadcast to `outShape`, in output order. */
export function broadcastOffsets(shape: Shape, outShape: Shape): Int32Array {
  let n = 1;
  for (const d of outShape) n *= d;
  const out = new Int32Array(n);
  forEachBroadcast2(outShape, shape, shape, (o, ia) => {
    out[o] = ia;
  });
  return out;
}

/**
 * Calls `f(o, ia, sa, ib, sb, n)` once per innermost row of `outShape`: the row starts at output offset o
 * and at offsets ia / ib of the broadcast operands, whose strides along the row are sa / sb (0 if broadcast).
 */
export function forEachRow(
  outShape: Shape,
  aShape: Shape,
  bShape: Shape,
  f: (o: number, ia: number, sa: number, ib: number, sb: number, n: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    f(0, 0, 0, 0, 0, 1);
    return;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1];
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) outer *= outShape[d];
  if (inner === 0) return;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < outer; r++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank - 1; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    f(r * inner, ia, sa[rank - 1], ib, sb[rank - 1], inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
}
