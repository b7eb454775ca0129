import type { Kernels } from "../backend.js";
import { type DType, allocStorage } from "../../tensor/dtype.js";
import { type Shape, fmtShape, stridesOf } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * The one copy loop behind slice, stridedSlice, reverse, tile and pad: output element `idx` reads the
 * input at the sum over axes of `maps[d][idx[d]]` (an element offset), or takes `fill` when any map
 * entry is -1. Every movement of this kind is a per-axis index map, so one loop serves them all.
 */
function gatherByAxisMaps(x: Tensor, maps: readonly Int32Array[], outShape: Shape, fill = 0): Tensor {
  const rank = outShape.length;
  let n = 1;
  for (const d of outShape) n *= d;
  const out = allocStorage(x.dtype, n);
  const v = x.values;
  const fv = x.dtype === "bool" ? (fill !== 0 ? 1 : 0) : fill;
  if (n === 0) return new Tensor(out, outShape, x.dtype);
  if (rank === 0) {
    out[0] = v[0];
    return new Tensor(out, outShape, x.dtype);
  }
  const inner = outShape[rank - 1];
  const last = maps[rank - 1];
  const outer = n / inner;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let base = 0;
    let outside = false;
    for (let d = 0; d < rank - 1; d++) {
      const m = maps[d][idx[d]];
      if (m < 0) outside = true;
      base += m;
    }
    if (outside) for (let j = 0; j < inner; j++) out[o++] = fv;
    else
      for (let j = 0; j < inner; j++) {
        const m = last[j];
        out[o++] = m < 0 ? fv : v[base + m];
      }
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape, x.dtype);
}

/** Offsets of `start + i * step` for i < count, scaled by `stride`. */
function arithmeticMap(start: number, step: number, count: number, stride: number): Int32Array {
  const m = new Int32Array(count);
  for (let i = 0; i < count; i++) m[i] = (start + i * step) * stride;
  return m;
}

export const slice: Kernels["slice"] = (x, begin, size) => {
  const st = stridesOf(x.shape);
  return gatherByAxisMaps(x, size.map((s, d) => arithmeticMap(begin[d], 1, s, st[d])), size);
};

export const stridedSlice: Kernels["stridedSlice"] = (x, begin, strides, outShape) => {
  const st = stridesOf(x.shape);
  return gatherByAxisMaps(x, outShape.map((s, d) => arithmeticMap(begin[d], strides[d], s, st[d])), outShape);
};

export const reverse: Kernels["reverse"] = (x, axes) => {
  const st = stridesOf(x.shape);
  const maps = x.shape.map((n, d) => (axes.includes(d) ? arithmeticMap(n - 1, -1, n, st[d]) : arithmeticMap(0, 1, n, st[d])));
  return gatherByAxisMaps(x, maps, x.shape);
};

export const tile: Kernels["tile"] = (x, reps) => {
  const st = stridesOf(x.shape);
  const outShape = x.shape.map((n, d) => n * reps[d]);
  const maps = outShape.map((m, d) => {
    const a = new Int32Array(m);
    for (let i = 0; i < m; i++) a[i] = (i % x.shape[d]) * st[d];
    return a;
  });
  return gatherByAxisMaps(x, maps, outShape);
};

export const pad: Kernels["pad"] = (x, paddings, mode, value) => {
  const st = stridesOf(x.shape);
  const outShape = x.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]);
  const maps = outShape.map((m, d) => {
    const n = x.shape[d];
    const before = paddings[d][0];
    const a = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      let j = i - before;
      // The op checks that one reflection suffices: reflect needs pad < n, symmetric pad <= n.
      if (mode === "reflect") j = j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
      else if (mode === "symmetric") j = j < 0 ? -j - 1 : j >= n ? 2 * n - 1 - j : j;
      a[i] = j < 0 || j >= n ? -1 : j * st[d];
    }
    return a;
  });
  return gatherByAxisMaps(x, maps, outShape, value);
};

export const concat: Kernels["concat"] = (xs, axis) => {
  const first = xs[0];
  const outShape = [...first.shape];
  outShape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  let inner = 1;
  for (let d = axis + 1; d < outShape.length; d++) inner *= outShape[d];
  const rowLen = outShape[axis] * inner;
  const out = allocStorage(first.dtype, outer * rowLen);
  let col = 0;
  for (const t of xs) {
    const chunk = t.shape[axis] * inner;
    const v = t.values;
    for (let o = 0; o < outer; o++) out.set(v.subarray(o * chunk, (o + 1) * chunk), o * rowLen + col);
    col += chunk;
  }
  return new Tensor(out, outShape, first.dtype);
};

/** The sizes around `axis`: outer (before), n (the axis) and inner (after). */
function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

function checkIndex(op: string, i: number, k: number, n: number, axis: number): void {
  if (i < 0 || i >= n)
    throw new RangeError(`${op}: indices[${k}] = ${i} is out of range [0, ${n}) for axis ${axis} (size ${n})`);
}

export const gather: Kernels["gather"] = (x, indices, axis) => {
  const [outer, n, inner] = around(x.shape, axis);
  const iv = indices.values;
  const m = iv.length;
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = allocStorage(x.dtype, outer * m * inner);
  const v = x.values;
  for (let k = 0; k < m; k++) checkIndex("gather", iv[k], k, n, axis);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < m; k++) {
      const src = (o * n + iv[k]) * inner;
      out.set(v.subarray(src, src + inner), (o * m + k) * inner);
    }
  return new Tensor(out, outShape, x.dtype);
};

export const scatterAdd: Kernels["scatterAdd"] = (updates, indices, axis, shape) => {
  const [outer, n, inner] = around(shape, axis);
  const iv = indices.values;
  const m = iv.length;
  const dtype: DType = updates.dtype;
  let size = 1;
  for (const d of shape) size *= d;
  const expected = outer * m * inner;
  if (updates.size !== expected)
    throw new RangeError(`scatterAdd: updates of shape ${fmtShape(updates.shape)} do not match indices ${fmtShape(indices.shape)} into ${fmtShape(shape)} at axis ${axis}`);
  // Accumulate in float64 so float32 sums of many updates do not drift; bool accumulates as "any".
  const acc = new Float64Array(size);
  const u = updates.values;
  for (let k = 0; k < m; k++) checkIndex("scatterAdd", iv[k], k, n, axis);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < m; k++) {
      const dst = (o * n + iv[k]) * inner;
      const src = (o * m + k) * inner;
      for (let i = 0; i < inner; i++) acc[dst + i] += u[src + i];
    }
  const out = allocStorage(dtype, size);
  if (dtype === "bool") for (let i = 0; i < size; i++) out[i] = acc[i] !== 0 ? 1 : 0;
  else out.set(acc);
  return new Tensor(out, shape, dtype);
};
