import type { Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";
import { allocStorage } from "../../tensor/dtype.js";
import { stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * Constant padding and slicing of float32 tensors in the addon (copyBox: one native call, which a recorded
 * inference plan can replay); other modes and dtypes go to the js pad and to the run-copying slice below.
 */
export function movementKernels(addon: Addon): Pick<Kernels, "pad" | "slice"> {
  const i32 = (v: readonly number[]) => Int32Array.from(v);
  return {
    pad(x, paddings, mode, value) {
      if (mode !== "constant" || x.dtype !== "float32" || x.size === 0 || x.rank === 0 || x.rank > 8) return jsKernels.pad(x, paddings, mode, value);
      const outShape = x.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]);
      const y = outputFloat32(outShape.reduce((a, b) => a * b, 1));
      addon.copyBox(x.values as Float32Array, y, i32(x.shape), i32(outShape), new Int32Array(x.rank), i32(paddings.map((p) => p[0])), i32(x.shape), value);
      return new Tensor(y, outShape, "float32");
    },
    slice(x, begin, size) {
      if (x.dtype !== "float32" || x.rank === 0 || x.rank > 8 || size.some((n) => n === 0)) return slice(x, begin, size);
      const y = outputFloat32(size.reduce((a, b) => a * b, 1));
      addon.copyBox(x.values as Float32Array, y, i32(x.shape), i32(size), i32(begin), new Int32Array(x.rank), i32(size), null);
      return new Tensor(y, [...size], "float32");
    },
  };
}

/**
 * Slice by contiguous runs: the trailing dimensions taken whole, together with the last cut one, are
 * copied with one TypedArray.set (subarray) per run; any dtype.
 */
const slice: Kernels["slice"] = (x, begin, size) => {
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
