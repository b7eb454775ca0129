import { type DType, type TypedArray, allocStorage, dtypeOfArray, assertDType } from "./dtype.js";
import { type Shape, assertShape, fmtShape, sizeOf } from "./shape.js";
import { Tensor, type NestedArray } from "./tensor.js";

/** Anything an op accepts where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | TypedArray | NestedArray | { readonly value: Tensor };

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], dim: number, out: number[], path: string): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new RangeError(`tensor: ragged nested array at ${path}: expected a scalar, got an array`);
    if (typeof data !== "number" && typeof data !== "boolean")
      throw new TypeError(`tensor: expected numbers or booleans, got ${typeof data} at ${path}`);
    out.push(typeof data === "boolean" ? (data ? 1 : 0) : data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim])
    throw new RangeError(
      `tensor: ragged nested array at ${path}: expected length ${shape[dim]}, got ${Array.isArray(data) ? data.length : "a scalar"}`,
    );
  for (let i = 0; i < data.length; i++) flatten(data[i], shape, dim + 1, out, `${path}[${i}]`);
}

function firstScalar(data: NestedArray): number | boolean | undefined {
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return undefined;
    cur = cur[0];
  }
  return cur;
}

/**
 * Creates a tensor from nested arrays, a typed array or a scalar. Numbers default to float32,
 * booleans to bool, a typed array to its own dtype.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);            // float32 [2, 2]
 * tensor([1, 2, 3], [3], "int32");
 * tensor(new Float32Array(6), [2, 3]);
 */
export function tensor(data: TypedArray | NestedArray, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) assertDType(dtype);
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const s = shape ?? [src.length];
    assertShape("tensor", s);
    const dt = dtype ?? dtypeOfArray(src);
    if (sizeOf(s) !== src.length)
      throw new RangeError(`tensor: ${src.length} values do not fill shape ${fmtShape(s)} (${sizeOf(s)} elements)`);
    if (dt === dtypeOfArray(src)) return new Tensor(src, s, dt);
    return new Tensor(convertValues(src, dt), s, dt);
  }
  const inferred = inferShape(data);
  const flat: number[] = [];
  flatten(data, inferred, 0, flat, "data");
  const first = firstScalar(data);
  const dt = dtype ?? (typeof first === "boolean" ? "bool" : "float32");
  const s = shape ?? inferred;
  assertShape("tensor", s);
  if (sizeOf(s) !== flat.length)
    throw new RangeError(`tensor: ${flat.length} values do not fill shape ${fmtShape(s)} (${sizeOf(s)} elements)`);
  return new Tensor(convertValues(flat, dt), s, dt);
}

/** Copies values into new storage of `dtype` (bool: nonzero -> 1; int32: truncation toward zero). */
export function convertValues(src: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocStorage(dtype, src.length);
  if (dtype === "bool") for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === "int32") for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
  else out.set(src);
  return out;
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number | boolean, dtype: DType = typeof value === "boolean" ? "bool" : "float32"): Tensor {
  assertShape("full", shape);
  const v = allocStorage(assertDType(dtype), sizeOf(shape));
  const x = typeof value === "boolean" ? (value ? 1 : 0) : value;
  if (x !== 0) v.fill(x);
  return new Tensor(v, shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = "float32"): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = "float32"): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, t.dtype);
}

export function fullLike(t: Tensor, value: number): Tensor {
  return full(t.shape, value, t.dtype);
}

/**
 * Values from `start` (inclusive) to `stop` (exclusive) by `step`, like NumPy's arange.
 * With one argument it counts from 0. int32 when all arguments are integers, else float32.
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new RangeError("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtype ?? (Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step) ? "int32" : "float32");
  const v = allocStorage(dt, n);
  for (let i = 0; i < n; i++) v[i] = start + i * step;
  return new Tensor(v, [n], dt);
}

/** `num` evenly spaced values from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, num: number, dtype: DType = "float32"): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const v = allocStorage(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) v[i] = start + i * step;
  if (num > 1) v[num - 1] = stop;
  return new Tensor(v, [num], dtype);
}

/** An identity matrix of `n` rows and `m` (default `n`) columns. */
export function eye(n: number, m = n, dtype: DType = "float32"): Tensor {
  assertShape("eye", [n, m]);
  const v = allocStorage(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) v[i * m + i] = 1;
  return new Tensor(v, [n, m], dtype);
}

/** Converts an op argument to a tensor; `like` gives plain numbers the dtype of the other operand. */
export function toTensor(x: TensorLike, op = "op", like?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") {
    const dt = like === undefined || like === "bool" ? "float32" : like === "int32" && !Number.isInteger(x) ? "float32" : like;
    return scalar(x, dt);
  }
  if (typeof x === "boolean") return scalar(x, "bool");
  if (typeof x === "object" && x !== null && "value" in x && (x as { value: unknown }).value instanceof Tensor)
    return readVariable(x as { value: Tensor });
  try {
    return tensor(x as TypedArray | NestedArray);
  } catch (e) {
    throw new TypeError(`${op}: cannot convert argument to a tensor: ${(e as Error).message}`);
  }
}

/** Hook set by autograd so that a Variable read inside a GradientTape is watched. */
let variableReadHook: ((v: { value: Tensor }) => void) | null = null;
export function setVariableReadHook(h: (v: { value: Tensor }) => void): void {
  variableReadHook = h;
}
function readVariable(v: { value: Tensor }): Tensor {
  variableReadHook?.(v);
  return v.value;
}
