import type { BinaryOp, UnaryOp } from "../backend.js";
import { allocStorage, type DType } from "../../tensor/dtype.js";
import { broadcastShapes, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { forEachRow } from "./iter.js";
import { binaryRowLoop, unaryLoop } from "./loops.js";
import { erf, erfc } from "./special.js";

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  square: (x) => x * x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  // Stable in both tails: never exponentiates a large positive number.
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  softsign: (x) => x / (1 + Math.abs(x)),
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  relu6: (x) => (x > 0 ? (x < 6 ? x : 6) : x === x ? 0 : x),
  erf,
  erfc,
  floor: Math.floor,
  ceil: Math.ceil,
  // Round half to even, as TensorFlow and NumPy do.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  logicalNot: (x) => (x ? 0 : 1),
};

const BOOL_UNARY = new Set<UnaryOp>(["isnan", "isinf", "isfinite", "logicalNot"]);

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const dtype: DType = BOOL_UNARY.has(op) ? "bool" : x.dtype;
  const out = allocStorage(dtype, x.size);
  unaryLoop(UNARY[op])(x.values, out, x.size);
  return new Tensor(out, x.shape, dtype);
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || a !== a ? a : b),
  minimum: (a, b) => (a <= b || a !== a ? a : b),
  // Python/NumPy semantics: the result has the sign of the divisor.
  mod: (a, b) => {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  floorDiv: (a, b) => Math.floor(a / b),
  atan2: Math.atan2,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
  logicalXor: (a, b) => (!a !== !b ? 1 : 0),
};

/** Integer power by squaring with wrapping 32-bit products, as TF's int32 pow; b < 0 is rejected by the op. */
function ipow(a: number, b: number): number {
  let r = 1;
  let base = a | 0;
  for (let e = b; e > 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

/**
 * int32 overrides: products wrap modulo 2^32 exactly (a float64 product would lose the low bits
 * past 2^53 before wrapping). Integer division by zero is rejected by the ops before it gets here.
 */
const INT_BINARY: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  mul: Math.imul,
  pow: ipow,
};

const BOOL_BINARY = new Set<BinaryOp>([
  "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr", "logicalXor",
]);

export function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
  const dtype: DType = BOOL_BINARY.has(op) ? "bool" : a.dtype;
  let n = 1;
  for (const d of shape) n *= d;
  const out = allocStorage(dtype, n);
  const av = a.values;
  const bv = b.values;
  const row = binaryRowLoop((a.dtype === "int32" && INT_BINARY[op]) || BINARY[op]);
  // int32 division truncates toward zero in storage; floorDiv and mod are exact on integers.
  if (a.size === n && b.size === n) row(av, 0, 1, bv, 0, 1, out, 0, n);
  else if (b.size === 1 && a.size === n) row(av, 0, 1, bv, 0, 0, out, 0, n);
  else if (a.size === 1 && b.size === n) row(av, 0, 0, bv, 0, 1, out, 0, n);
  else forEachRow(shape, a.shape, b.shape, (o, ia, sa, ib, sb, len) => row(av, ia, sa, bv, ib, sb, out, o, len));
  return new Tensor(out, shape, dtype);
}

export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const ab = broadcastShapes("where", a.shape, b.shape);
  const shape = broadcastShapes("where", cond.shape, ab);
  let n = 1;
  for (const d of shape) n *= d;
  const out = allocStorage(a.dtype, n);
  const cv = cond.values;
  const av = a.values;
  const bv = b.values;
  if (cond.size === n && a.size === n && b.size === n) {
    for (let i = 0; i < n; i++) out[i] = cv[i] ? av[i] : bv[i];
    return new Tensor(out, shape, a.dtype);
  }
  // Broadcast: first take a where cond holds (0 elsewhere), then fill from b where it does not.
  const taken = new Uint8Array(n);
  forEachRow(shape, cond.shape, a.shape, (o, ic, sc, ia, sa, len) => {
    for (let j = 0; j < len; j++)
      if (cv[ic + j * sc]) {
        out[o + j] = av[ia + j * sa];
        taken[o + j] = 1;
      }
  });
  forEachRow(shape, cond.shape, b.shape, (o, _ic, _sc, ib, sb, len) => {
    for (let j = 0; j < len; j++) if (!taken[o + j]) out[o + j] = bv[ib + j * sb];
  });
  return new Tensor(out, shape, a.dtype);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  const out = allocStorage(dtype, x.size);
  const v = x.values;
  if (dtype === "bool") for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
  else if (dtype === "int32") for (let i = 0; i < v.length; i++) out[i] = Math.trunc(v[i]);
  else out.set(v);
  return new Tensor(out, x.shape, dtype);
}
