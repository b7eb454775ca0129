// Internal helpers shared by op families (not exported from the public barrel).
import { type TensorLike, toTensor } from "../tensor/create.js";
import { type DType, promoteTypes } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, shapesEqual, type Shape } from "../tensor/shape.js";
import { kernels } from "../backends/index.js";
import type { BinaryOp } from "../backends/backend.js";
import { cast } from "./cast.js";
import { reshape } from "./reshape.js";
import { sum } from "./reduce.js";

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

/** Sums a broadcast gradient back to the shape of the operand it came from. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}

/** Runs a broadcasting binary kernel after promotion and a shape check that names the op. */
export function binaryKernel(op: BinaryOp, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor] {
  // Check before promotion: bool + 1.5 would otherwise be promoted to float and slip through.
  for (const v of [a, b]) if (v instanceof Tensor) assertNumeric(op, v);
  const [x, y] = operands(op, a, b);
  assertNumeric(op, x, y);
  if (!shapesEqual(x.shape, y.shape)) broadcastShapes(op, x.shape, y.shape);
  return [x, y, kernels().binary(op, x, y)];
}

