// Internal: integer index arguments and the scatterAdd op (gather's adjoint). Not in the public barrel.
import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, tensor } from "../tensor/create.js";
import { type Shape, fmtShape, normalizeAxis } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { gather } from "./indexing.js";

/** Converts an index argument to an int32 tensor; plain arrays of integers are accepted, floats are not. */
export function toIndices(op: string, x: TensorLike): Tensor {
  if (x instanceof Tensor) {
    if (x.dtype !== "int32") throw new TypeError(`${op}: indices must have dtype int32, got ${x.dtype} (cast them first)`);
    return x;
  }
  if (typeof x === "object" && x !== null && "value" in x) return toIndices(op, x.value);
  const t = tensor(x as number[], undefined, "float64");
  for (const v of t.values)
    if (!Number.isInteger(v)) throw new TypeError(`${op}: indices must be integers, got ${v}`);
  return tensor(t.values, t.shape, "int32");
}

/** The position of flat element `k` in a tensor of `shape`, as "[i, j]" (or "k" for rank 1). */
function position(k: number, shape: Shape): string {
  if (shape.length <= 1) return String(k);
  const out: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(k % shape[d]);
    k = Math.floor(k / shape[d]);
  }
  return out.join(", ");
}

/** Throws, naming the index and the dimension, unless every index lies in [0, n). */
export function checkIndices(op: string, indices: Tensor, n: number, axis: number, xShape: Shape): void {
  const v = indices.values;
  for (let k = 0; k < v.length; k++)
    if (v[k] < 0 || v[k] >= n)
      throw new RangeError(
        `${op}: indices[${position(k, indices.shape)}] = ${v[k]} is out of range [0, ${n}) for axis ${axis} of shape ${fmtShape(xShape)}`,
      );
}

/**
 * Zeros of `shape` with `updates` added at `indices` along `axis` (repeated indices accumulate).
 * The adjoint of gather: gather's gradient, and its own gradient is a gather.
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  const a = normalizeAxis("scatterAdd", axis, shape.length);
  checkIndices("scatterAdd", indices, shape[a], a, shape);
  const expected = [...shape.slice(0, a), ...indices.shape, ...shape.slice(a + 1)];
  if (fmtShape(expected) !== fmtShape(updates.shape))
    throw new RangeError(
      `scatterAdd: updates have shape ${fmtShape(updates.shape)}, expected ${fmtShape(expected)} for indices ${fmtShape(indices.shape)} into ${fmtShape(shape)} at axis ${a}`,
    );
  const out = kernels().scatterAdd(updates, indices, a, shape);
  return record("scatterAdd", [updates], out, ([dy]) => [gather(dy, indices, a)]);
}
