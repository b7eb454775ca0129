import { allocStorage } from "../../tensor/dtype.js";
import { Tensor } from "../../tensor/tensor.js";

const same = (a: number) => a;

/**
 * softmax (or log-softmax) along the last axis, row by row: shift by the row's maximum (a NaN in the row
 * makes it all NaN), exponentiate, normalise. In float32 every intermediate is rounded where the composite
 * of ops (sub, exp, sum, div or log and sub) rounds it, so both give the same values.
 */
export function softmax(x: Tensor, log: boolean): Tensor {
  const len = x.rank === 0 ? 1 : x.shape[x.rank - 1];
  const v = x.values as Float32Array | Float64Array;
  const out = allocStorage(x.dtype, x.size) as Float32Array | Float64Array;
  const r = x.dtype === "float32" ? Math.fround : same;
  const rows = len === 0 ? 0 : x.size / len;
  for (let row = 0; row < rows; row++) {
    const o = row * len;
    let m = -Infinity;
    for (let i = 0; i < len; i++) {
      const a = v[o + i];
      if (a > m || a !== a) m = a;
    }
    let s = 0;
    for (let i = 0; i < len; i++) {
      out[o + i] = v[o + i] - m;
      const e = r(Math.exp(out[o + i]));
      if (!log) out[o + i] = e;
      s += e;
    }
    s = r(s);
    if (log) {
      const ls = r(Math.log(s));
      for (let i = 0; i < len; i++) out[o + i] = out[o + i] - ls;
    } else {
      for (let i = 0; i < len; i++) out[o + i] = out[o + i] / s;
    }
  }
  return new Tensor(out, x.shape, x.dtype);
}
