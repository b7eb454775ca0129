import { type TensorLike, toTensor } from "../tensor/create.js";
import { type DType, promoteTypes } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";

/**
 * Converts two operands to tensors of one dtype. A plain number takes the other operand's dtype
 * (weak typing, as in JAX), so `mul(x, 2)` stays float32; otherwise the wider dtype wins.
 */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const aT = a instanceof Tensor ? a : undefined;
  const bT = b instanceof Tensor ? b : undefined;
  const x = aT ?? toTensor(a, op, bT?.dtype);
  const y = bT ?? toTensor(b, op, x.dtype);
  if (x.dtype === y.dtype) return [x, y];
  const dt: DType = promoteTypes(x.dtype, y.dtype);
  return [cast(x, dt), cast(y, dt)];
}

/** Rejects bool tensors for arithmetic, with the op's name. */
export function assertNumeric(op: string, ...ts: Tensor[]): void {
  for (const t of ts)
    if (t.dtype === "bool") throw new TypeError(`${op}: expected a numeric tensor, got dtype bool (cast it first)`);
}
