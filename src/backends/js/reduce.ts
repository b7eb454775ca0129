import type { ReduceOp } from "../backend.js";
import { allocStorage } from "../../tensor/dtype.js";
import { stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

const INIT: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/** Reduces over `axes` (sorted, unique); the output drops those axes. NaN propagates through max/min. */
export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.rank;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const outShape = x.shape.filter((_, i) => !reduced[i]);
  let outSize = 1;
  for (const d of outShape) outSize *= d;
  // Accumulate in float64 (exact enough for float32 sums), then store.
  const acc = new Float64Array(outSize).fill(INIT[op]);
  const v = x.values;
  // Output stride of each input axis (0 on reduced axes).
  const os = new Array<number>(rank).fill(0);
  const ostr = stridesOf(outShape);
  for (let i = 0, k = 0; i < rank; i++) if (!reduced[i]) os[i] = ostr[k++];
  if (x.size > 0) {
    const idx = new Array<number>(rank).fill(0);
    const inner = rank > 0 ? x.shape[rank - 1] : 1;
    const is1 = rank > 0 ? os[rank - 1] : 0;
    const outer = x.size / inner;
    let p = 0;
    for (let r = 0; r < outer; r++) {
      let o = 0;
      for (let d = 0; d < rank - 1; d++) o += idx[d] * os[d];
      switch (op) {
        case "sum":
          for (let j = 0; j < inner; j++, o += is1) acc[o] += v[p++];
          break;
        case "prod":
          for (let j = 0; j < inner; j++, o += is1) acc[o] *= v[p++];
          break;
        case "max":
          for (let j = 0; j < inner; j++, o += is1) {
            const t = v[p++];
            if (t > acc[o] || t !== t) acc[o] = t;
          }
          break;
        case "min":
          for (let j = 0; j < inner; j++, o += is1) {
            const t = v[p++];
            if (t < acc[o] || t !== t) acc[o] = t;
          }
          break;
      }
      for (let d = rank - 2; d >= 0; d--) {
        if (++idx[d] < x.shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  const dtype = x.dtype === "bool" ? "int32" : x.dtype;
  const out = allocStorage(dtype, outSize);
  // Empty int32 max/min give the type's limits (as TF does), not the float identities.
  if (dtype === "int32" && x.size === 0 && (op === "max" || op === "min")) acc.fill(op === "max" ? -2147483648 : 2147483647);
  out.set(acc);
  return new Tensor(out, outShape, dtype);
}

export function argReduce(op: "argmax" | "argmin", x: Tensor, axis: number): Tensor {
  const shape = x.shape;
  const n = shape[axis];
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const out = new Int32Array(outer * inner);
  const v = x.values;
  const better = op === "argmax" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = v[base];
      let bi = 0;
      for (let k = 1; k < n; k++) {
        const t = v[base + k * inner];
        if (best !== best) break;
        if (better(t, best) || t !== t) {
          best = t;
          bi = k;
        }
      }
      out[o * inner + i] = bi;
    }
  return new Tensor(out, shape.filter((_, i) => i !== axis), "int32");
}
