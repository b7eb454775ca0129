import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { promoteTypes } from "../tensor/dtype.js";
import { fmtShape, normalizeAxes, normalizeAxis, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { add } from "./arithmetic.js";
import { cast } from "./cast.js";
import { gather } from "./indexing.js";
import { sum } from "./reduce.js";
import { expandDims, reshape } from "./reshape.js";

/** Permutes dimensions (default: reverses them). */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x, "transpose");
  const p = perm ? perm.map((a) => normalizeAxis("transpose", a, t.rank)) : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || new Set(p).size !== p.length)
    throw new RangeError(`transpose: perm ${fmtShape(perm ?? [])} is not a permutation of the ${t.rank} axes of ${fmtShape(t.shape)}`);
  if (p.every((a, i) => a === i)) return t;
  const out = kernels().transpose(t, p);
  const inv = new Array<number>(p.length);
  p.forEach((a, i) => (inv[a] = i));
  return record("transpose", [t], out, ([dy]) => [transpose(dy, inv)]);
}

/**
 * The block of `x` starting at `begin` with `size` elements per axis (-1: to the end), as tf.slice.
 * `begin` and `size` may be shorter than the rank: the remaining axes are taken whole.
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor(x, "slice");
  if (begin.length > t.rank || (size && size.length !== begin.length))
    throw new RangeError(`slice: begin ${fmtShape(begin)} and size ${fmtShape(size ?? [])} must have equal lengths, at most the rank of ${fmtShape(t.shape)}`);
  const b = t.shape.map((_, d) => (d < begin.length ? begin[d] : 0));
  const s = t.shape.map((n, d) => (size && d < size.length && size[d] !== -1 ? size[d] : n - b[d]));
  for (let d = 0; d < t.rank; d++)
    if (!Number.isInteger(b[d]) || !Number.isInteger(s[d]) || b[d] < 0 || s[d] < 0 || b[d] + s[d] > t.shape[d])
      throw new RangeError(
        `slice: begin ${fmtShape(begin)} with size ${fmtShape(size ?? [])} does not fit axis ${d} of ${fmtShape(t.shape)} (needs 0 <= begin and begin + size <= ${t.shape[d]})`,
      );
  if (shapesEqual(s, t.shape)) return t;
  const out = kernels().slice(t, b, s);
  return record("slice", [t], out, ([dy]) => [pad(dy, t.shape.map((n, d) => [b[d], n - b[d] - s[d]] as [number, number]))]);
}

/** Joins tensors along an existing `axis`; the other dimensions must agree. Mixed dtypes are promoted. */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("concat: expected at least one tensor, got none");
  let ts = xs.map((x) => toTensor(x, "concat"));
  const dt = ts.reduce((d, t) => promoteTypes(d, t.dtype), ts[0].dtype);
  ts = ts.map((t) => cast(t, dt));
  const rank = ts[0].rank;
  if (rank === 0) throw new RangeError("concat: cannot concatenate scalars (rank 0); use stack");
  const a = normalizeAxis("concat", axis, rank);
  ts.forEach((t, i) => {
    if (t.rank !== rank || t.shape.some((d, k) => k !== a && d !== ts[0].shape[k]))
      throw new RangeError(
        `concat: tensor ${i} has shape ${fmtShape(t.shape)}, incompatible with ${fmtShape(ts[0].shape)} along axis ${a} (all dimensions but the axis must agree)`,
      );
  });
  if (ts.length === 1) return ts[0];
  const out = kernels().concat(ts, a);
  return record("concat", ts, out, ([dy]) => {
    let off = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, d) => (d === a ? off : 0));
      off += t.shape[a];
      return slice(dy, begin, t.shape);
    });
  });
}

/** Joins tensors of one shape along a new `axis`. */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("stack: expected at least one tensor, got none");
  const ts = xs.map((x) => toTensor(x, "stack"));
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, ts[0].shape))
      throw new RangeError(`stack: tensor ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(ts[0].shape)} like tensor 0`);
  });
  const a = normalizeAxis("stack", axis, ts[0].rank + 1);
  return concat(ts.map((t) => expandDims(t, a)), a);
}

/** Splits `x` along `axis` into its slices, removing that axis (the inverse of stack). */
export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const t = toTensor(x, "unstack");
  if (t.rank === 0) throw new RangeError("unstack: cannot unstack a scalar (rank 0)");
  const a = normalizeAxis("unstack", axis, t.rank);
  const shape = t.shape.filter((_, d) => d !== a);
  const size = t.shape.map((n, d) => (d === a ? 1 : n));
  const k = kernels();
  const outs = Array.from({ length: t.shape[a] }, (_, i) =>
    reshape(k.slice(t, t.shape.map((_, d) => (d === a ? i : 0)), size), shape),
  );
  return record("unstack", [t], outs, (dys) => [stack(dys, a)]);
}

/**
 * Splits `x` along `axis` into `numOrSizes` equal parts, or parts of the given sizes (one may be -1:
 * the rest), as tf.split.
 */
export function split(x: TensorLike, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  const t = toTensor(x, "split");
  if (t.rank === 0) throw new RangeError("split: cannot split a scalar (rank 0)");
  const a = normalizeAxis("split", axis, t.rank);
  const n = t.shape[a];
  let sizes: number[];
  if (typeof numOrSizes === "number") {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || n % numOrSizes !== 0)
      throw new RangeError(`split: axis ${a} of ${fmtShape(t.shape)} (size ${n}) cannot be split into ${numOrSizes} equal parts`);
    sizes = new Array<number>(numOrSizes).fill(n / numOrSizes);
  } else {
    sizes = [...numOrSizes];
    const unknown = sizes.filter((s) => s === -1).length;
    const known = sizes.reduce((acc, s) => (s === -1 ? acc : acc + s), 0);
    if (unknown > 1 || sizes.some((s) => !Number.isInteger(s) || s < -1) || known > n || (unknown === 0 && known !== n))
      throw new RangeError(`split: sizes ${fmtShape(sizes)} (at most one -1) do not add up to ${n}, the size of axis ${a} of ${fmtShape(t.shape)}`);
    if (unknown) sizes[sizes.indexOf(-1)] = n - known;
  }
  const k = kernels();
  let off = 0;
  const outs = sizes.map((s) => {
    const begin = t.shape.map((_, d) => (d === a ? off : 0));
    off += s;
    return k.slice(t, begin, t.shape.map((m, d) => (d === a ? s : m)));
  });
  return record("split", [t], outs, (dys) => [concat(dys, a)]);
}

/** Repeats `x` `reps[d]` times along each axis d, as tf.tile. */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const t = toTensor(x, "tile");
  if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0))
    throw new RangeError(`tile: reps ${fmtShape(reps)} must hold one non-negative integer per axis of ${fmtShape(t.shape)}`);
  if (reps.every((r) => r === 1)) return t;
  const out = kernels().tile(t, reps);
  return record("tile", [t], out, ([dy]) => {
    // Each input element receives the sum over its copies: split every axis into (rep, n) and sum the reps.
    const split2 = t.shape.flatMap((n, d) => [reps[d], n]);
    const g = sum(reshape(dy, split2), t.shape.map((_, d) => 2 * d));
    return [reshape(g, t.shape)];
  });
}

export type PadMode = "constant" | "reflect" | "symmetric";

export interface PadOptions {
  /** "constant" (default) fills with `value`; "reflect" mirrors without the edge; "symmetric" with it. */
  mode?: PadMode;
  /** The fill of constant padding (default 0). */
  value?: number | boolean;
}

/** Pads each axis d with paddings[d] = [before, after] elements, as tf.pad. */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], opts: PadOptions = {}): Tensor {
  const t = toTensor(x, "pad");
  const mode = (opts.mode ?? "constant").toLowerCase() as PadMode;
  if (mode !== "constant" && mode !== "reflect" && mode !== "symmetric")
    throw new RangeError(`pad: mode must be "constant", "reflect" or "symmetric", got "${opts.mode}"`);
  if (paddings.length !== t.rank)
    throw new RangeError(`pad: expected ${t.rank} [before, after] pairs for ${fmtShape(t.shape)}, got ${paddings.length}`);
  paddings.forEach(([b, a], d) => {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0)
      throw new RangeError(`pad: paddings[${d}] = [${b}, ${a}] must be non-negative integers`);
    const limit = mode === "reflect" ? t.shape[d] - 1 : t.shape[d];
    if (mode !== "constant" && (b > limit || a > limit))
      throw new RangeError(`pad: ${mode} padding [${b}, ${a}] of axis ${d} (size ${t.shape[d]}) must be at most ${limit} on each side`);
  });
  const value = typeof opts.value === "boolean" ? (opts.value ? 1 : 0) : opts.value ?? 0;
  if (paddings.every(([b, a]) => b === 0 && a === 0)) return t;
  const out = kernels().pad(t, paddings, mode, value);
  return record("pad", [t], out, ([dy]) => [padBackward(dy, t.shape, paddings, mode)]);
}

/** The adjoint of pad: the centre, plus (for mirror modes) the mirrored margins folded back onto their sources. */
function padBackward(dy: Tensor, shape: readonly number[], paddings: readonly (readonly [number, number])[], mode: PadMode): Tensor {
  if (mode === "constant") return slice(dy, paddings.map(([b]) => b), shape);
  let g = dy;
  const r = mode === "reflect" ? 1 : 0;
  shape.forEach((n, d) => {
    const [b, a] = paddings[d];
    if (b === 0 && a === 0) return;
    const part = (start: number, len: number): Tensor =>
      slice(g, g.shape.map((_, k) => (k === d ? start : 0)), g.shape.map((m, k) => (k === d ? len : m)));
    const along = (before: number, after: number): [number, number][] => g.shape.map((_, k) => (k === d ? [before, after] : [0, 0]));
    let acc = part(b, n);
    if (b > 0) acc = add(acc, pad(reverse(part(0, b), d), along(r, n - r - b)));
    if (a > 0) acc = add(acc, pad(reverse(part(b + n, a), d), along(n - r - a, r)));
    g = acc;
  });
  return g;
}

/** Reverses the order of elements along `axes`, as tf.reverse (NumPy's flip). */
export function reverse(x: TensorLike, axes: number | readonly number[]): Tensor {
  const t = toTensor(x, "reverse");
  const ax = normalizeAxes("reverse", axes, t.rank).filter((d) => t.shape[d] > 1);
  if (ax.length === 0) return t;
  const out = kernels().reverse(t, ax);
  return record("reverse", [t], out, ([dy]) => [reverse(dy, ax)]);
}

/** Keras' and NumPy's name for `reverse`: flips the order of elements along `axes`. */
export const flip = reverse;

/**
 * Repeats each element `repeats` times (a number, or one count per element) along `axis`,
 * as tf.repeat; without an axis the input is flattened first.
 */
export function repeat(x: TensorLike, repeats: number | readonly number[], axis?: number): Tensor {
  let t = toTensor(x, "repeat");
  if (axis === undefined) t = reshape(t, [t.size]);
  const a = normalizeAxis("repeat", axis ?? 0, t.rank);
  const n = t.shape[a];
  const counts = typeof repeats === "number" ? new Array<number>(n).fill(repeats) : [...repeats];
  if (counts.length !== n || counts.some((c) => !Number.isInteger(c) || c < 0))
    throw new RangeError(`repeat: repeats must be a non-negative integer or one per element of axis ${a} (size ${n}), got ${fmtShape(counts)}`);
  const idx: number[] = [];
  counts.forEach((c, i) => {
    for (let j = 0; j < c; j++) idx.push(i);
  });
  return gather(t, new Tensor(Int32Array.from(idx), [idx.length], "int32"), a);
}
