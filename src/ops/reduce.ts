import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { keptShape, normalizeAxes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastTo } from "./broadcast.js";
import { div } from "./arithmetic.js";
import { cast } from "./cast.js";
import { reshape } from "./reshape.js";

export interface ReduceOptions {
  /** Keep reduced axes with size 1. */
  keepDims?: boolean;
}

/** Sum over `axes` (default all). bool sums to int32. */
export function sum(x: TensorLike, axes?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
  const t = toTensor(x, "sum");
  const ax = normalizeAxes("sum", axes, t.rank);
  let out = kernels().reduce("sum", t, ax);
  if (opts.keepDims) out = reshape(out, keptShape(t.shape, ax));
  return record("sum", [t], out, ([dy]) => [broadcastTo(reshape(dy, keptShape(t.shape, ax)), t.shape)]);
}

/** Mean over `axes` (default all). Integer inputs give float32. */
export function mean(x: TensorLike, axes?: number | number[] | null, opts: ReduceOptions = {}): Tensor {
  let t = toTensor(x, "mean");
  if (t.dtype === "int32" || t.dtype === "bool") t = cast(t, "float32");
  const ax = normalizeAxes("mean", axes, t.rank);
  let n = 1;
  for (const a of ax) n *= t.shape[a];
  return div(sum(t, ax, opts), n);
}
