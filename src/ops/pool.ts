import { kernels } from "../backends/index.js";
import type { Pool2dParams } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { allocStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import {
  type DataFormat, type Pair, assertRank4, dataFormatOf, fromNHWC, pair, resolvePadding, toNHWC,
} from "./conv-geometry.js";
import { cast } from "./cast.js";
import { assertNumeric } from "./operands.js";
import { max, mean } from "./reduce.js";

export interface Pool2dOptions {
  /** Window size: a number or [height, width]. Default 2 (as Keras). */
  poolSize?: number | readonly [number, number];
  /** Step of the window; defaults to poolSize. */
  strides?: number | readonly [number, number];
  /** "valid" (default) or "same" (TF's rule; padded cells are ignored). */
  padding?: "valid" | "same";
  dataFormat?: DataFormat;
}

export interface GlobalPool2dOptions {
  /** Keep the spatial axes with size 1. */
  keepDims?: boolean;
  dataFormat?: DataFormat;
}

function prepare(op: string, x: TensorLike, opts: Pool2dOptions): { xs: Tensor; p: Pool2dParams; format: DataFormat } {
  const t = toTensor(x, op);
  assertNumeric(op, t);
  const format = dataFormatOf(op, opts.dataFormat);
  assertRank4(op, "input", t, format);
  const windowShape = pair(op, "poolSize", (opts.poolSize ?? 2) as Pair);
  const strides = pair(op, "strides", (opts.strides ?? windowShape) as Pair);
  const padding = opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same")
    throw new RangeError(`${op}: padding must be "valid" or "same", got ${JSON.stringify(padding)}`);
  const xs = toNHWC(t, format);
  const g = resolvePadding(op, padding, [xs.shape[1], xs.shape[2]], windowShape, strides);
  return { xs, p: { windowShape, strides, pads: g.pads }, format };
}

/**
 * Max over sliding windows. The gradient goes to the first maximum of each window, as in TF.
 *
 * @example
 * maxPool2d(randomNormal([1, 8, 8, 3]), { poolSize: 2 }); // [1, 4, 4, 3]
 */
export function maxPool2d(x: TensorLike, opts: Pool2dOptions = {}): Tensor {
  const { xs, p, format } = prepare("maxPool2d", x, opts);
  return fromNHWC(maxPoolNHWC(xs, p), format);
}

/** Mean over sliding windows; with padding "same" only in-bounds cells are averaged, as in TF. */
export function avgPool2d(x: TensorLike, opts: Pool2dOptions = {}): Tensor {
  // Integer inputs average in float32, as mean does.
  const t = toTensor(x, "avgPool2d");
  const { xs, p, format } = prepare("avgPool2d", t.dtype === "int32" ? cast(t, "float32") : t, opts);
  return fromNHWC(avgPoolNHWC(xs, p), format);
}

/** Mean over the spatial axes: [batch, channels] (or [batch, 1, 1, channels] with keepDims). */
export function globalAvgPool2d(x: TensorLike, opts: GlobalPool2dOptions = {}): Tensor {
  const t = toTensor(x, "globalAvgPool2d");
  const format = dataFormatOf("globalAvgPool2d", opts.dataFormat);
  assertRank4("globalAvgPool2d", "input", t, format);
  return mean(t, format === "channelsLast" ? [1, 2] : [2, 3], { keepDims: !!opts.keepDims });
}

/**
 * Max over the spatial axes: [batch, channels] (or [batch, 1, 1, channels] with keepDims). As in
 * Keras (a reduce_max), tied maxima share the gradient equally.
 */
export function globalMaxPool2d(x: TensorLike, opts: GlobalPool2dOptions = {}): Tensor {
  const t = toTensor(x, "globalMaxPool2d");
  const format = dataFormatOf("globalMaxPool2d", opts.dataFormat);
  assertRank4("globalMaxPool2d", "input", t, format);
  return max(t, format === "channelsLast" ? [1, 2] : [2, 3], { keepDims: !!opts.keepDims });
}

// Recorded NHWC primitives. maxPool's gradient is linear in dy; its own gradient selects, for every
// window, the incoming gradient at that window's first maximum (TF's MaxPoolGradGrad).

function maxPoolNHWC(x: Tensor, p: Pool2dParams): Tensor {
  const out = kernels().maxPool2d(x, p);
  return record("maxPool2d", [x], out, ([dy]) => [maxPoolGrad(dy, x, p)]);
}

function maxPoolGrad(dy: Tensor, x: Tensor, p: Pool2dParams): Tensor {
  const out = kernels().maxPool2dBackprop(dy, x, p);
  return record("maxPool2dBackprop", [dy, x], out, ([g]) => [maxPoolSelect(g, x, p), null]);
}

/**
 * For every pooling window, `g` (input-shaped) at the window's first maximum of `x`. Plain
 * TypeScript over the shared storage: there is no kernel for it because only second-order
 * gradients need it.
 */
function maxPoolSelect(g: Tensor, x: Tensor, p: Pool2dParams): Tensor {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = p.windowShape;
  const [sh, sw] = p.strides;
  const [pt, pb, pl, pr] = p.pads;
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const xv = x.values;
  const gv = g.values;
  const out = allocStorage(g.dtype, n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let arg = -1;
          for (let iy = Math.max(y * sh - pt, 0); iy < Math.min(y * sh - pt + kh, h); iy++)
            for (let ix = Math.max(xo * sw - pl, 0); ix < Math.min(xo * sw - pl + kw, w); ix++) {
              const i = ((b * h + iy) * w + ix) * c + ch;
              if (xv[i] > best || arg < 0) {
                best = xv[i];
                arg = i;
              }
            }
          out[((b * oh + y) * ow + xo) * c + ch] = arg >= 0 ? gv[arg] : 0;
        }
  const res = new Tensor(out, [n, oh, ow, c], g.dtype);
  return record("maxPool2dSelect", [g], res, ([d]) => [maxPoolGrad(d, x, p)]);
}

function avgPoolNHWC(x: Tensor, p: Pool2dParams): Tensor {
  const out = kernels().avgPool2d(x, p);
  return record("avgPool2d", [x], out, ([dy]) => [avgPoolGrad(dy, x.shape, p)]);
}

/** Linear in dy; its adjoint is avgPool itself. */
function avgPoolGrad(dy: Tensor, xShape: readonly number[], p: Pool2dParams): Tensor {
  const out = kernels().avgPool2dBackprop(dy, xShape, p);
  return record("avgPool2dBackprop", [dy], out, ([g]) => [avgPoolNHWC(g, p)]);
}
