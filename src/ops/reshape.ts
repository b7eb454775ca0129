import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { type Shape, fmtShape, normalizeAxis, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Same elements, new shape (one dimension may be -1: inferred). Shares storage; no copy. */
export function reshape(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor(x, "reshape");
  const s = resolveShape(t, shape);
  const out = new Tensor(t.values, s, t.dtype);
  return record("reshape", [t], out, ([dy]) => [reshape(dy, t.shape)]);
}

function resolveShape(t: Tensor, shape: Shape): number[] {
  const s = [...shape];
  const neg = s.filter((d) => d === -1).length;
  if (neg > 1) throw new RangeError(`reshape: at most one dimension may be -1, got ${fmtShape(shape)}`);
  for (const d of s)
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new RangeError(`reshape: invalid shape ${fmtShape(shape)}`);
  if (neg === 1) {
    const known = sizeOf(s.filter((d) => d !== -1));
    const i = s.indexOf(-1);
    if (known === 0 || t.size % known !== 0)
      throw new RangeError(`reshape: cannot reshape a tensor of shape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(shape)}`);
    s[i] = t.size / known;
  }
  if (sizeOf(s) !== t.size)
    throw new RangeError(`reshape: cannot reshape a tensor of shape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(shape)}`);
  return s;
}

/** Inserts a dimension of size 1 at `axis` (negative counts from the end of the output). */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor(x, "expandDims");
  const a = normalizeAxis("expandDims", axis, t.rank + 1);
  const s = [...t.shape];
  s.splice(a, 0, 1);
  return reshape(t, s);
}

/** Removes dimensions of size 1 (all of them, or those in `axes`, which must be 1). */
export function squeeze(x: TensorLike, axes?: number | number[]): Tensor {
  const t = toTensor(x, "squeeze");
  if (axes === undefined) return reshape(t, t.shape.filter((d) => d !== 1));
  const list = (typeof axes === "number" ? [axes] : axes).map((a) => normalizeAxis("squeeze", a, t.rank));
  for (const a of list)
    if (t.shape[a] !== 1) throw new RangeError(`squeeze: axis ${a} of shape ${fmtShape(t.shape)} has size ${t.shape[a]}, expected 1`);
  return reshape(t, t.shape.filter((_, i) => !list.includes(i)));
}
