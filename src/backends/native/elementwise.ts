import type { BinaryOp, Kernels, ReduceOp, UnaryOp } from "../backend.js";
import { jsKernels } from "../js/index.js";
import { broadcastShapes, broadcastStrides, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

interface ElementwiseAddon {
  unary(op: number, x: Float32Array, y: Float32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, y: Float32Array, shape: Int32Array, sa: Int32Array, sb: Int32Array): void;
  reduce(op: number, x: Float32Array, y: Float32Array, outer: number, len: number, inner: number): void;
  transpose(x: Float32Array, y: Float32Array, shape: Int32Array, perm: Int32Array): void;
  compare(op: number, a: Float32Array, sa: number, b: Float32Array, sb: number, y: Uint8Array): void;
  logical(op: number, a: Uint8Array, sa: number, b: Uint8Array, sb: number, y: Uint8Array): void;
  reluBackprop(relu6: number, dy: Float32Array, x: Float32Array, y: Float32Array): void;
  select(c: Uint8Array, sc: number, a: Float32Array, sa: number, b: Float32Array, sb: number, y: Float32Array): void;
}

// Op codes: the order of the enums in native/simd.h.
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, square: 2, sqrt: 3, rsqrt: 4, reciprocal: 5, exp: 6, log: 7, tanh: 8, sigmoid: 9, relu: 10, relu6: 11, softplus: 12,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
// The order of CompareCode in native/select.cc.
const COMPARE: Partial<Record<BinaryOp, number>> = { equal: 0, notEqual: 1, less: 2, lessEqual: 3, greater: 4, greaterEqual: 5 };
const LOGICAL: Partial<Record<BinaryOp, number>> = { logicalAnd: 0, logicalOr: 1, logicalXor: 2 };
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

const f32 = (t: Tensor) => t.values as Float32Array;

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** 1 when `t` covers all n output elements in order, 0 when it is one broadcast element, else -1. */
function flatStride(t: Tensor, n: number): number {
  return t.size === n ? 1 : t.size === 1 ? 0 : -1;
}

/**
 * Merges adjacent output dimensions along which both operands stay contiguous (or both broadcast),
 * and drops size-1 dimensions: [shape, stridesA, stridesB] of the smallest equivalent loop nest.
 */
export function collapseBroadcast(shape: readonly number[], sa: readonly number[], sb: readonly number[]): [number[], number[], number[]] {
  const s: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = s.length - 1;
    if (k >= 0 && a[k] === sa[d] * shape[d] && b[k] === sb[d] * shape[d]) {
      s[k] *= shape[d];
      a[k] = sa[d];
      b[k] = sb[d];
    } else {
      s.push(shape[d]);
      a.push(sa[d]);
      b.push(sb[d]);
    }
  }
  return [s, a, b];
}

/** Elementwise, reduction and transpose kernels for float32; everything else goes to js. */
export function elementwiseKernels(addon: Addon): Pick<Kernels, "unary" | "binary" | "where" | "reluBackprop" | "reduce" | "transpose"> {
  const a = addon as unknown as ElementwiseAddon;
  const js = jsKernels;
  // An addon built before select.cc lacks these: its comparisons, logical ops and where stay on js.
  const hasSelect = typeof a.compare === "function" && typeof a.select === "function" && typeof a.logical === "function";
  return {
    unary(op, x) {
      const code = UNARY[op];
      if (code === undefined || x.dtype !== "float32") return js.unary(op, x);
      const y = outputFloat32(x.size);
      a.unary(code, f32(x), y);
      return new Tensor(y, x.shape, "float32");
    },

    binary(op, x, z) {
      const logical = LOGICAL[op];
      if (logical !== undefined && hasSelect && x.dtype === "bool" && z.dtype === "bool") {
        const shape = shapesEqual(x.shape, z.shape) ? x.shape : broadcastShapes(op, x.shape, z.shape);
        const n = sizeOf(shape);
        const sx = flatStride(x, n);
        const sz = flatStride(z, n);
        if (sx < 0 || sz < 0) return js.binary(op, x, z);
        const y = new Uint8Array(n);
        if (n > 0) a.logical(logical, x.values as Uint8Array, sx, z.values as Uint8Array, sz, y);
        return new Tensor(y, shape, "bool");
      }
      const cmp = COMPARE[op];
      if (cmp !== undefined && hasSelect && x.dtype === "float32" && z.dtype === "float32") {
        // Same shape, or one operand a single element: one flat pass (other broadcasts go to js).
        const shape = shapesEqual(x.shape, z.shape) ? x.shape : broadcastShapes(op, x.shape, z.shape);
        const n = sizeOf(shape);
        const sx = flatStride(x, n);
        const sz = flatStride(z, n);
        if (sx < 0 || sz < 0) return js.binary(op, x, z);
        const y = new Uint8Array(n);
        if (n > 0) a.compare(cmp, f32(x), sx, f32(z), sz, y);
        return new Tensor(y, shape, "bool");
      }
      const code = BINARY[op];
      if (code === undefined || x.dtype !== "float32" || z.dtype !== "float32") return js.binary(op, x, z);
      const shape = shapesEqual(x.shape, z.shape) ? x.shape : broadcastShapes(op, x.shape, z.shape);
      const [s, sa, sb] = collapseBroadcast(shape, broadcastStrides(x.shape, shape), broadcastStrides(z.shape, shape));
      if (s.length > 8) return js.binary(op, x, z);
      let n = 1;
      for (const d of shape) n *= d;
      const y = outputFloat32(n);
      a.binary(code, f32(x), f32(z), y, Int32Array.from(s), Int32Array.from(sa), Int32Array.from(sb));
      return new Tensor(y, shape, "float32");
    },

    where(cond, x, z) {
      if (!hasSelect || cond.dtype !== "bool" || x.dtype !== "float32" || z.dtype !== "float32") return js.where(cond, x, z);
      const shape = broadcastShapes("where", cond.shape, broadcastShapes("where", x.shape, z.shape));
      const n = sizeOf(shape);
      const sc = flatStride(cond, n);
      const sx = flatStride(x, n);
      const sz = flatStride(z, n);
      if (sc < 0 || sx < 0 || sz < 0) return js.where(cond, x, z);
      const y = outputFloat32(n);
      if (n > 0) a.select(cond.values as Uint8Array, sc, f32(x), sx, f32(z), sz, y);
      return new Tensor(y, shape, "float32");
    },

    reluBackprop(op, dy, x) {
      if (typeof a.reluBackprop !== "function" || dy.dtype !== "float32" || x.dtype !== "float32" || dy.size !== x.size) {
        return js.reluBackprop(op, dy, x);
      }
      const y = outputFloat32(x.size);
      if (x.size > 0) a.reluBackprop(op === "relu6" ? 1 : 0, f32(dy), f32(x), y);
      return new Tensor(y, x.shape, "float32");
    },

    reduce(op, x, axes) {
      const code = REDUCE[op];
      if (code === undefined || x.dtype !== "float32" || x.size === 0) return js.reduce(op, x, axes);
      const outShape = x.shape.filter((_, i) => !axes.includes(i));
      // Groups of adjacent dimensions with the same role (kept or reduced); size-1 dimensions vanish.
      let dims: { size: number; reduced: boolean }[] = [];
      x.shape.forEach((size, i) => {
        if (size === 1) return;
        const reduced = axes.includes(i);
        const last = dims[dims.length - 1];
        if (last && last.reduced === reduced) last.size *= size;
        else dims.push({ size, reduced });
      });
      let cur = f32(x);
      // Reduce the last reduced group until none is left (usually one pass).
      for (;;) {
        const g = dims.map((d) => d.reduced).lastIndexOf(true);
        if (g < 0) break;
        let outer = 1;
        let inner = 1;
        for (let i = 0; i < g; i++) outer *= dims[i].size;
        for (let i = g + 1; i < dims.length; i++) inner *= dims[i].size;
        const next = new Float32Array(outer * inner);
        a.reduce(code, cur, next, outer, dims[g].size, inner);
        cur = next;
        const rest = [...dims.slice(0, g), ...dims.slice(g + 1)];
        dims = [];
        for (const d of rest) {
          const last = dims[dims.length - 1];
          if (last && last.reduced === d.reduced) last.size *= d.size;
          else dims.push({ ...d });
        }
      }
      // Nothing reduced (all reduced axes had size 1, or none given): a copy.
      if (cur === x.values) cur = f32(x).slice();
      return new Tensor(cur, outShape, "float32");
    },

    transpose(x, perm) {
      if (x.dtype !== "float32" || x.rank > 8) return js.transpose(x, perm);
      // Drop size-1 axes, then merge input axes that stay adjacent and in order.
      const keep = perm.filter((p) => x.shape[p] !== 1);
      const groups: number[][] = [];
      for (const p of keep) {
        const last = groups[groups.length - 1];
        if (last && last[last.length - 1] + 1 === p) last.push(p);
        else groups.push([p]);
      }
      // Input order of the groups gives the collapsed input shape; output order gives the permutation.
      const byInput = [...groups].sort((g, h) => g[0] - h[0]);
      const shape = byInput.map((g) => g.reduce((acc, p) => acc * x.shape[p], 1));
      const cperm = groups.map((g) => byInput.indexOf(g));
      const outShape = perm.map((p) => x.shape[p]);
      const y = outputFloat32(x.size);
      if (x.size > 0) a.transpose(f32(x), y, Int32Array.from(shape), Int32Array.from(cperm));
      return new Tensor(y, outShape, "float32");
    },
  };
}
