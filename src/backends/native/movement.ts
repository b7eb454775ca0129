import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";
import { allocStorage } from "../../tensor/dtype.js";
import { stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * Constant padding and slicing of float32 tensors in the addon (copyBox: one native call, which a recorded
 * inference plan can replay); the run-copying versions below for other dtypes, and where the addon lacks it.
 */
export function movementKernels(addon: Addon): Pick<Kernels, "pad" | "slice"> {
  const copyBox = addon.copyBox as
    | ((x: Float32Array, y: Float32Array, xs: Int32Array, ys: Int32Array, x0: Int32Array, y0: Int32Array, size: Int32Array, fill: number | null) => void)
    | undefined;
  if (!copyBox) return { pad, slice };
  const i32 = (v: readonly number[]) => Int32Array.from(v);
  return {
    pad(x, paddings, mode, value) {
      if (mode !== "constant" || x.dtype !== "float32" || x.size === 0 || x.rank === 0 || x.rank > 8) return pad(x, paddings, mode, value);
      const outShape = x.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]);
      const y = outputFloat32(outShape.reduce((a, b) => a * b, 1));
      copyBox(x.values as Float32Array, y, i32(x.shape), i32(outShape), new Int32Array(x.rank), i32(paddings.map((p) => p[0])), i32(x.shape), value);
      return new Tensor(y, outShape, "float32");
    },
    slice(x, begin, size) {
      if (x.dtype !== "float32" || x.rank === 0 || x.rank > 8 || size.some((n) => n === 0)) return slice(x, begin, size);
      const y = outputFloat32(size.reduce((a, b) => a * b, 1));
      copyBox(x.values as Float32Array, y, i32(x.shape), i32(size), i32(begin), new Int32Array(x.rank), i32(size), null);
      return new Tensor(y, [...size], "float32");
    },
  };
}

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
