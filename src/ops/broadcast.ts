import { record } from "../autograd/tape.js";
import { kernels } from "../backends/index.js";
import { type TensorLike, toTensor, zeros } from "../tensor/create.js";
import { type Shape, broadcastShapes, fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { unbroadcast } from "./operands.js";

/** Broadcasts to `shape` (NumPy rules), materializing the result. */
export function broadcastTo(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor(x, "broadcastTo");
  if (shapesEqual(t.shape, shape)) return t;
  const b = broadcastShapes("broadcastTo", t.shape, shape);
  if (!shapesEqual(b, shape)) throw new RangeError(`broadcastTo: cannot broadcast ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
  const out = t.dtype === "bool"
    ? kernels().binary("logicalOr", t, zeros(shape, "bool"))
    : kernels().binary("add", t, zeros(shape, t.dtype));
  return record("broadcastTo", [t], out, ([dy]) => [unbroadcast(dy, t.shape)]);
}
