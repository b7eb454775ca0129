import type { Shape } from "../../tensor/shape.js";
import { broadcastStrides } from "../../tensor/shape.js";

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
