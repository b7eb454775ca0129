import type { Conv2dParams, FusedActivation, Kernels } from "../backend.js";
import { jsKernels } from "../js/index.js";
import type { TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

export interface ConvAddon {
  conv2d(x: Float32Array, w: Float32Array, out: Float32Array, geom: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geom: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geom: Int32Array): void;
  conv2dBiasActivation(
    x: Float32Array, w: Float32Array, bias: Float32Array | null, act: number, out: Float32Array, geom: Int32Array, packed?: ArrayBuffer | null,
    residual?: Float32Array | null,
  ): void;
  conv2dPackFilter(w: Float32Array, geom: Int32Array): ArrayBuffer | null;
  depthwiseConv2dBiasActivation(x: Float32Array, w: Float32Array, bias: Float32Array | null, act: number, out: Float32Array, geom: Int32Array): void;
  expandDepthwise(
    x: Float32Array, w1: Float32Array, bias1: Float32Array | null, act1: number, packed1: ArrayBuffer | null,
    w2: Float32Array, bias2: Float32Array | null, act2: number, out: Float32Array, geom: Int32Array,
  ): void;
}

/** The addon's activation codes of the fused epilogue. */
const actCode: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

function outSize(size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

/** [n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, cout]: the addon's convolution geometry. */
function geometry(xShape: Shape, wShape: Shape, oh: number, ow: number, p: Conv2dParams): Int32Array {
  const [n, h, w, c] = xShape;
  const [kh, kw, , cout] = wShape;
  return Int32Array.from([n, h, w, c, kh, kw, oh, ow, ...p.strides, ...p.dilations, p.pads[0], p.pads[2], cout]);
}

const f32 = (t: Tensor) => t.values as Float32Array;

/** The native epilogue takes float32 operands and a bias of exactly [channels]; the rest goes to js. */
function fusable(x: Tensor, w: Tensor, bias: Tensor | null, channels: number): boolean {
  if (x.dtype !== "float32" || w.dtype !== "float32") return false;
  return bias === null || (bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === channels);
}

/** conv2d, its two backprops and the fused-epilogue convolutions on the addon; other dtypes go to the js kernels. */
export function convKernels(
  addon: Addon,
): Pick<
  Kernels, "conv2d" | "conv2dBackpropInput" | "conv2dBackpropFilter" | "conv2dBiasActivation" | "depthwiseConv2dBiasActivation" | "expandDepthwise" | "packConv2dFilter"
> {
  const a = addon as unknown as ConvAddon;
  return {
    conv2d(x, w, p) {
      if (x.dtype !== "float32" || w.dtype !== "float32") return jsKernels.conv2d(x, w, p);
      const [n, h, wd] = x.shape;
      const [kh, kw, , cout] = w.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      if (oh <= 0 || ow <= 0) return jsKernels.conv2d(x, w, p);
      const out = outputFloat32(n * oh * ow * cout); // every path writes every element
      a.conv2d(f32(x), f32(w), out, geometry(x.shape, w.shape, oh, ow, p));
      return new Tensor(out, [n, oh, ow, cout], "float32");
    },
    conv2dBackpropInput(dy, w, xShape, p) {
      if (dy.dtype !== "float32" || w.dtype !== "float32") return jsKernels.conv2dBackpropInput(dy, w, xShape, p);
      const dx = outputFloat32(xShape[0] * xShape[1] * xShape[2] * xShape[3]); // every path writes (or clears) all of dx
      a.conv2dBackpropInput(f32(dy), f32(w), dx, geometry(xShape, w.shape, dy.shape[1], dy.shape[2], p));
      return new Tensor(dx, xShape, "float32");
    },
    conv2dBackpropFilter(x, dy, wShape, p) {
      if (x.dtype !== "float32" || dy.dtype !== "float32") return jsKernels.conv2dBackpropFilter(x, dy, wShape, p);
      const dw = outputFloat32(wShape[0] * wShape[1] * wShape[2] * wShape[3]); // every path writes all of dw
      a.conv2dBackpropFilter(f32(x), f32(dy), dw, geometry(x.shape, wShape, dy.shape[1], dy.shape[2], p));
      return new Tensor(dw, wShape, "float32");
    },
    conv2dBiasActivation(x, w, bias, activation, p, out, packed, residual) {
      const [n, h, wd] = x.shape;
      const [kh, kw, , cout] = w.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      // Another dtype or shape goes to the js kernel (which says what is wrong with the shape).
      const resShape = [n, oh, ow, cout];
      const resOk = !residual || (residual.dtype === "float32" && residual.rank === 4 && residual.shape.every((d, i) => d === resShape[i]));
      if (!fusable(x, w, bias, cout) || !resOk || oh <= 0 || ow <= 0) return jsKernels.conv2dBiasActivation(x, w, bias, activation, p, out, null, residual);
      const y = outBuffer("conv2dBiasActivation", out, n * oh * ow * cout);
      const geom = geometry(x.shape, w.shape, oh, ow, p);
      a.conv2dBiasActivation(f32(x), f32(w), bias && f32(bias), actCode[activation], y, geom, packed ?? null, residual ? f32(residual) : null);
      return new Tensor(y, [n, oh, ow, cout], "float32");
    },
    packConv2dFilter(xShape, w, p) {
      const [, h, wd] = xShape;
      const [kh, kw] = w.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      if (w.dtype !== "float32" || xShape[3] !== w.shape[2] || oh <= 0 || ow <= 0) return null;
      return a.conv2dPackFilter(f32(w), geometry(xShape, w.shape, oh, ow, p));
    },
    depthwiseConv2dBiasActivation(x, w, bias, activation, p, out) {
      const [n, h, wd, c] = x.shape;
      const [kh, kw, , m] = w.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      if (!fusable(x, w, bias, c * m) || oh <= 0 || ow <= 0) {
        return jsKernels.depthwiseConv2dBiasActivation(x, w, bias, activation, p, out);
      }
      const y = outBuffer("depthwiseConv2dBiasActivation", out, n * oh * ow * c * m);
      // The depthwise geometry carries the multiplier where conv2d's carries cout.
      a.depthwiseConv2dBiasActivation(f32(x), f32(w), bias && f32(bias), actCode[activation], y, geometry(x.shape, w.shape, oh, ow, p));
      return new Tensor(y, [n, oh, ow, c * m], "float32");
    },
    expandDepthwise(x, w1, bias1, act1, packed1, w2, bias2, act2, p, out) {
      const [n, h, wd, cin] = x.shape;
      const ce = w1.shape[3];
      const [kh, kw, , m] = w2.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      const ok = fusable(x, w1, bias1, ce) && fusable(x, w2, bias2, ce) && m === 1 && w1.shape[0] === 1 && w1.shape[1] === 1 &&
        w1.shape[2] === cin && w2.shape[2] === ce;
      if (!ok || oh <= 0 || ow <= 0) return jsKernels.expandDepthwise(x, w1, bias1, act1, null, w2, bias2, act2, p, out);
      const y = outBuffer("expandDepthwise", out, n * oh * ow * ce);
      const geom = geometry([n, h, wd, ce], w2.shape, oh, ow, p);
      a.expandDepthwise(f32(x), f32(w1), bias1 && f32(bias1), actCode[act1], packed1 ?? null, f32(w2), bias2 && f32(bias2), actCode[act2], y, geom);
      return new Tensor(y, [n, oh, ow, ce], "float32");
    },
  };
}

/** The caller's storage when it has the output's size (the kernels overwrite every element), else a fresh array. */
function outBuffer(op: string, out: TypedArray | undefined, size: number): Float32Array {
  if (out === undefined) return outputFloat32(size);
  if (!(out instanceof Float32Array) || out.length !== size) {
    throw new RangeError(`${op}: out holds ${out.length} ${out.constructor.name} values, the output needs ${size} float32`);
  }
  return out;
}
