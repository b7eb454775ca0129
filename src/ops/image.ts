import { kernels } from "../backends/index.js";
import type { ResizeParams } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { type Shape, fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import { type DataFormat, dataFormatOf, fromNHWC, toNHWC } from "./conv-geometry.js";
import { assertNumeric } from "./operands.js";
import { reshape } from "./reshape.js";

export interface ResizeOptions {
  /** Align the corner pixels of input and output (TF1 style). Default false. */
  alignCorners?: boolean;
  /** Sample at pixel centers (TF2's tf.image.resize). Default true, or false when alignCorners is true. */
  halfPixelCenters?: boolean;
  dataFormat?: DataFormat;
}

type Kind = "bilinear" | "nearest";

function resize(op: string, kind: Kind, x: TensorLike, size: readonly [number, number], opts: ResizeOptions): Tensor {
  let t = toTensor(x, op);
  assertNumeric(op, t);
  if (kind === "bilinear" && t.dtype === "int32") t = cast(t, "float32");
  const format = dataFormatOf(op, opts.dataFormat);
  if (t.rank !== 3 && t.rank !== 4) {
    const layout = format === "channelsLast" ? "(batch, height, width, channels)" : "(batch, channels, height, width)";
    throw new RangeError(`${op}: expected an image of rank 3 or a batch of rank 4 ${layout}, got ${fmtShape(t.shape)}`);
  }
  if (!Array.isArray(size) || size.length !== 2 || size.some((d) => !Number.isInteger(d) || d < 1))
    throw new RangeError(`${op}: size must be [height, width] of positive integers, got ${JSON.stringify(size)}`);
  const alignCorners = !!opts.alignCorners;
  const halfPixelCenters = opts.halfPixelCenters ?? !alignCorners;
  if (alignCorners && halfPixelCenters)
    throw new RangeError(`${op}: alignCorners and halfPixelCenters cannot both be true (as in TF)`);
  const single = t.rank === 3;
  if (single) t = reshape(t, [1, ...t.shape]);
  const xs = toNHWC(t, format);
  if (xs.shape[1] === 0 || xs.shape[2] === 0) throw new RangeError(`${op}: cannot resize an empty image ${fmtShape(t.shape)}`);
  const p: ResizeParams = { alignCorners, halfPixelCenters };
  const out = fromNHWC(kind === "bilinear" ? bilinear(xs, [size[0], size[1]], p) : nearest(xs, [size[0], size[1]], p), format);
  return single ? reshape(out, out.shape.slice(1)) : out;
}

/**
 * Bilinear resize to `size` = [height, width], as tf.compat.v1.image.resize_bilinear with the
 * given flags (the defaults match TF2's tf.image.resize). Accepts one image (rank 3) or a batch.
 *
 * @example
 * resizeBilinear(randomUniform([1, 4, 4, 3]), [8, 8]); // [1, 8, 8, 3]
 */
export function resizeBilinear(x: TensorLike, size: readonly [number, number], opts: ResizeOptions = {}): Tensor {
  return resize("resizeBilinear", "bilinear", x, size, opts);
}

/** Nearest-neighbour resize, as tf.compat.v1.image.resize_nearest_neighbor with the given flags. */
export function resizeNearest(x: TensorLike, size: readonly [number, number], opts: ResizeOptions = {}): Tensor {
  return resize("resizeNearest", "nearest", x, size, opts);
}

// Recorded NHWC primitives: each backprop is linear in dy and its adjoint is the forward resize.

function bilinear(x: Tensor, size: [number, number], p: ResizeParams): Tensor {
  const out = kernels().resizeBilinear(x, size, p);
  return record("resizeBilinear", [x], out, ([dy]) => [bilinearGrad(dy, x.shape, p)]);
}

function bilinearGrad(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor {
  const out = kernels().resizeBilinearBackprop(dy, xShape, p);
  return record("resizeBilinearBackprop", [dy], out, ([g]) => [bilinear(g, [dy.shape[1], dy.shape[2]], p)]);
}

function nearest(x: Tensor, size: [number, number], p: ResizeParams): Tensor {
  const out = kernels().resizeNearest(x, size, p);
  return record("resizeNearest", [x], out, ([dy]) => [nearestGrad(dy, x.shape, p)]);
}

function nearestGrad(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor {
  const out = kernels().resizeNearestBackprop(dy, xShape, p);
  return record("resizeNearestBackprop", [dy], out, ([g]) => [nearest(g, [dy.shape[1], dy.shape[2]], p)]);
}
