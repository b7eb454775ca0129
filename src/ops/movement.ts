import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { fmtShape, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

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
