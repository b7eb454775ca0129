import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * Constant padding for float32 by contiguous runs: the trailing dimensions without padding, together
 * with the last padded one, are copied with one TypedArray.set per run (the js kernel maps every
 * element through per-axis index tables). Reflect/symmetric modes and other dtypes go to js.
 */
export const pad: Kernels["pad"] = (x, paddings, mode, value) => {
  if (mode !== "constant" || x.dtype !== "float32" || x.size === 0 || x.rank === 0) return jsKernels.pad(x, paddings, mode, value);
  const rank = x.rank;
  const outShape = x.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]);
  // Output strides, and the run: dimensions from `last` on are copied as one block per index of the others.
  const ost = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    ost[d] = s;
    s *= outShape[d];
  }
  let last = rank - 1;
  while (last > 0 && paddings[last][0] === 0 && paddings[last][1] === 0) last--;
  let run = 1;
  for (let d = last; d < rank; d++) run *= x.shape[d];
  const out = new Float32Array(s);
  if (value !== 0) out.fill(value);
  const xv = x.values as Float32Array;
  let base = 0;
  for (let d = 0; d < rank; d++) base += paddings[d][0] * ost[d];
  // Odometer over the outer dimensions [0, last) of x.
  const idx = new Array<number>(last).fill(0);
  for (let src = 0; src < x.size; src += run) {
    let dst = base;
    for (let d = 0; d < last; d++) dst += idx[d] * ost[d];
    out.set(xv.subarray(src, src + run), dst);
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d] < x.shape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape, "float32");
};
