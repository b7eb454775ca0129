import type { Conv2dParams, Kernels, Pool2dParams } from "../backend.js";
import { jsKernels } from "../js/index.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import type { Addon } from "./addon.js";
import { outputFloat32 } from "./alloc.js";

interface LoopAddon {
  depthwiseConv2d(x: Float32Array, w: Float32Array, out: Float32Array, geom: Int32Array): void;
  depthwiseConv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geom: Int32Array): void;
  depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geom: Int32Array): void;
  depthwiseConv2dBackprop(x: Float32Array, dy: Float32Array, w: Float32Array, dx: Float32Array, dw: Float32Array, geom: Int32Array): void;
  maxPool2d(x: Float32Array, out: Float32Array, geom: Int32Array): void;
  avgPool2d(x: Float32Array, out: Float32Array, geom: Int32Array): void;
  maxPool2dBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array, geom: Int32Array): void;
  avgPool2dBackprop(dy: Float32Array, dx: Float32Array, geom: Int32Array): void;
}

const f32 = (t: Tensor) => t.values as Float32Array;
const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

function outSize(n: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((n + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

/** [n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, multiplier] */
function dwGeometry(xShape: Shape, wShape: Shape, oh: number, ow: number, p: Conv2dParams): Int32Array {
  const [n, h, w, c] = xShape;
  const [kh, kw, , m] = wShape;
  return Int32Array.from([n, h, w, c, kh, kw, oh, ow, ...p.strides, ...p.dilations, p.pads[0], p.pads[2], m]);
}

/** [n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl] with TensorFlow's output size rule. */
function poolGeometry(xShape: Shape, p: Pool2dParams): { geom: Int32Array; oh: number; ow: number } {
  const [n, h, w, c] = xShape;
  const [kh, kw] = p.windowShape;
  const [sh, sw] = p.strides;
  const [pt, pb, pl, pr] = p.pads;
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  return { geom: Int32Array.from([n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl]), oh, ow };
}

type PoolKernels = Pick<
  Kernels,
  | "depthwiseConv2d" | "depthwiseConv2dBackpropInput" | "depthwiseConv2dBackpropFilter" | "depthwiseConv2dBackprop"
  | "maxPool2d" | "maxPool2dBackprop" | "avgPool2d" | "avgPool2dBackprop"
>;

/** Depthwise conv and pooling (forward and backprops), vectorized over channels; float32 only. */
export function poolKernels(addon: Addon): PoolKernels {
  const a = addon as unknown as LoopAddon;
  const js = jsKernels;
  return {
    depthwiseConv2d(x, w, p) {
      if (x.dtype !== "float32" || w.dtype !== "float32") return js.depthwiseConv2d(x, w, p);
      const [n, h, wd, c] = x.shape;
      const [kh, kw, , m] = w.shape;
      const oh = outSize(h, kh, p.strides[0], p.dilations[0], p.pads[0], p.pads[1]);
      const ow = outSize(wd, kw, p.strides[1], p.dilations[1], p.pads[2], p.pads[3]);
      if (oh <= 0 || ow <= 0) return js.depthwiseConv2d(x, w, p);
      // The kernel writes every output element (all-padding windows as 0).
      const out = outputFloat32(n * oh * ow * c * m);
      a.depthwiseConv2d(f32(x), f32(w), out, dwGeometry(x.shape, w.shape, oh, ow, p));
      return new Tensor(out, [n, oh, ow, c * m], "float32");
    },
    depthwiseConv2dBackpropInput(dy, w, xShape, p) {
      if (dy.dtype !== "float32" || w.dtype !== "float32") return js.depthwiseConv2dBackpropInput(dy, w, xShape, p);
      const dx = outputFloat32(size(xShape));
      a.depthwiseConv2dBackpropInput(f32(dy), f32(w), dx, dwGeometry(xShape, w.shape, dy.shape[1], dy.shape[2], p));
      return new Tensor(dx, xShape, "float32");
    },
    depthwiseConv2dBackpropFilter(x, dy, wShape, p) {
      if (x.dtype !== "float32" || dy.dtype !== "float32") return js.depthwiseConv2dBackpropFilter(x, dy, wShape, p);
      const dw = new Float32Array(size(wShape));
      a.depthwiseConv2dBackpropFilter(f32(x), f32(dy), dw, dwGeometry(x.shape, wShape, dy.shape[1], dy.shape[2], p));
      return new Tensor(dw, wShape, "float32");
    },
    depthwiseConv2dBackprop(x, dy, w, p) {
      if (x.dtype !== "float32" || dy.dtype !== "float32" || w.dtype !== "float32") return js.depthwiseConv2dBackprop(x, dy, w, p);
      // dx is written entirely (as by depthwiseConv2dBackpropInput); dw is accumulated into.
      const dx = outputFloat32(size(x.shape));
      const dw = new Float32Array(size(w.shape));
      a.depthwiseConv2dBackprop(f32(x), f32(dy), f32(w), dx, dw, dwGeometry(x.shape, w.shape, dy.shape[1], dy.shape[2], p));
      return [new Tensor(dx, x.shape, "float32"), new Tensor(dw, w.shape, "float32")];
    },
    maxPool2d(x, p) {
      const { geom, oh, ow } = poolGeometry(x.shape, p);
      if (x.dtype !== "float32" || oh <= 0 || ow <= 0) return js.maxPool2d(x, p);
      const out = outputFloat32(x.shape[0] * oh * ow * x.shape[3]); // every window written
      a.maxPool2d(f32(x), out, geom);
      return new Tensor(out, [x.shape[0], oh, ow, x.shape[3]], "float32");
    },
    avgPool2d(x, p) {
      const { geom, oh, ow } = poolGeometry(x.shape, p);
      if (x.dtype !== "float32" || oh <= 0 || ow <= 0) return js.avgPool2d(x, p);
      const out = outputFloat32(x.shape[0] * oh * ow * x.shape[3]); // every window written
      a.avgPool2d(f32(x), out, geom);
      return new Tensor(out, [x.shape[0], oh, ow, x.shape[3]], "float32");
    },
    maxPool2dBackprop(dy, x, p) {
      if (dy.dtype !== "float32" || x.dtype !== "float32") return js.maxPool2dBackprop(dy, x, p);
      const { geom, oh, ow } = poolGeometry(x.shape, p);
      const [kh, kw] = p.windowShape;
      // Windows that tile the input (2x2/2): the kernel writes every dx element (native/loops.cc), no clearing.
      const tiled = kh === p.strides[0] && kw === p.strides[1] && p.pads[0] === 0 && p.pads[2] === 0 && oh * kh <= x.shape[1] && ow * kw <= x.shape[2];
      const dx = tiled ? outputFloat32(x.size) : new Float32Array(x.size);
      a.maxPool2dBackprop(f32(dy), f32(x), dx, geom);
      return new Tensor(dx, x.shape, "float32");
    },
    avgPool2dBackprop(dy, xShape, p) {
      if (dy.dtype !== "float32") return js.avgPool2dBackprop(dy, xShape, p);
      const dx = new Float32Array(size(xShape));
      a.avgPool2dBackprop(f32(dy), dx, poolGeometry(xShape, p).geom);
      return new Tensor(dx, xShape, "float32");
    },
  };
}
