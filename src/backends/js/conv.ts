// Reference convolution kernels: NHWC inputs, HWIO filters (depthwise: [kh, kw, C, multiplier]).
// conv2d and its gradients run as im2col + a register-blocked matrix product (conv-gemm.ts);
// the depthwise kernels live in depthwise.ts.
import type { Conv2dParams } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { type ConvShape, asFloat64, col2im, gemm, im2col } from "./conv-gemm.js";

function outSize(size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

function toDtype(acc: Float64Array, like: Tensor): TypedArray {
  if (like.dtype === "float64") return acc;
  const out = allocStorage(like.dtype, acc.length);
  out.set(acc);
  return out;
}

/** Output pixels per im2col chunk: a multiple of 4 with a patch buffer of about 256 KB. */
function chunkRows(K: number, pixels: number): number {
  return Math.max(4, Math.min(pixels + 3, Math.floor(32768 / K)) & ~3);
}

function shapeOf(xShape: Shape, wShape: Shape, oh: number, ow: number, p: Conv2dParams): ConvShape {
  return { h: xShape[1], w: xShape[2], cin: xShape[3], kh: wShape[0], kw: wShape[1], oh, ow, p };
}

/**
 * out[b, oh, ow, co] = sum x[b, oh*s - pt + kh*d, ow*s - pl + kw*d, ci] * w[kh, kw, ci, co],
 * as chunks of im2col patches times the filter read as a [kh*kw*cin, cout] matrix.
 */
export function conv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  const [n, h, wd] = x.shape;
  const [kh, kw, cin, cout] = w.shape;
  const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
  const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
  const s = shapeOf(x.shape, w.shape, oh, ow, p);
  const K = kh * kw * cin;
  const P = n * oh * ow;
  const wm = asFloat64(w.values, 0, K * cout, new Float64Array(w.values instanceof Float64Array ? 0 : K * cout));
  const out = allocStorage(x.dtype, P * cout);
  const rows = chunkRows(K, P);
  const a = new Float64Array(rows * K);
  const c = new Float64Array(rows * cout);
  for (let p0 = 0; p0 < P; p0 += rows) {
    const r = Math.min(rows, P - p0);
    im2col(x.values, s, p0, r, a, false);
    gemm(r, cout, K, a, wm, c, false);
    out.set(c.subarray(0, r * cout), p0 * cout);
  }
  return new Tensor(out, [n, oh, ow, cout], x.dtype);
}

/** The gradient of conv2d with respect to its input: dy times the transposed filter, scattered back by col2im. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor {
  const [n, , , cin] = xShape;
  const [, oh, ow, cout] = dy.shape;
  const [kh, kw] = w.shape;
  const s = shapeOf(xShape, w.shape, oh, ow, p);
  const K = kh * kw * cin;
  const P = n * oh * ow;
  const wv = w.values;
  const wt = new Float64Array(cout * K);
  for (let k = 0; k < K; k++) for (let co = 0; co < cout; co++) wt[co * K + k] = wv[k * cout + co];
  const dx = new Float64Array(n * s.h * s.w * cin);
  const rows = chunkRows(K, P);
  const a = new Float64Array(rows * K);
  const buf = new Float64Array(dy.values instanceof Float64Array ? 0 : rows * cout);
  for (let p0 = 0; p0 < P; p0 += rows) {
    const r = Math.min(rows, P - p0);
    gemm(r, K, cout, asFloat64(dy.values, p0 * cout, r * cout, buf), wt, a, false);
    col2im(a, s, p0, r, dx);
  }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}

/** The gradient of conv2d with respect to its filter: transposed im2col patches times dy, summed over chunks. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor {
  const [n, , , cin] = x.shape;
  const [, oh, ow, cout] = dy.shape;
  const [kh, kw] = wShape;
  const s = shapeOf(x.shape, wShape, oh, ow, p);
  const K = kh * kw * cin;
  const P = n * oh * ow;
  const dwm = new Float64Array(K * cout);
  const rows = chunkRows(K, P);
  const at = new Float64Array(rows * K);
  const buf = new Float64Array(dy.values instanceof Float64Array ? 0 : rows * cout);
  for (let p0 = 0; p0 < P; p0 += rows) {
    const r = Math.min(rows, P - p0);
    im2col(x.values, s, p0, r, at, true);
    gemm(K, cout, r, at, asFloat64(dy.values, p0 * cout, r * cout, buf), dwm, true);
  }
  return new Tensor(toDtype(dwm, x), wShape, x.dtype);
}

export { depthwiseConv2d, depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from "./depthwise.js";
export { depthwiseConv2dBackprop } from "./depthwise.js";
