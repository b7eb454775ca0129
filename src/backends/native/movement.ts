import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { allocStorage } from "../../tensor/dtype.js";
import { stridesOf } from "../../tensor/shape.js";
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

/**
 * Slice by contiguous runs: the trailing dimensions taken whole, together with the last cut one, are
 * copied with one TypedArray.set (subarray) per run; any dtype.
 */
export const slice: Kernels["slice"] = (x, begin, size) => {
  const rank = x.rank;
  let n = 1;
  for (const d of size) n *= d;
  if (rank === 0 || n === 0) return jsKernels.slice(x, begin, size);
  const st = stridesOf(x.shape);
  let last = rank - 1;
  while (last > 0 && size[last] === x.shape[last]) last--;
  let run = 1;
  for (let d = last; d < rank; d++) run *= size[d];
  const out = allocStorage(x.dtype, n);
  const xv = x.values;
  let base = 0;
  for (let d = 0; d < rank; d++) base += begin[d] * st[d];
  const idx = new Array<number>(last).fill(0);
  for (let dst = 0; dst < n; dst += run) {
    let src = base;
    for (let d = 0; d < last; d++) src += idx[d] * st[d];
    out.set(xv.subarray(src, src + run) as never, dst);
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, [...size], x.dtype);
};
