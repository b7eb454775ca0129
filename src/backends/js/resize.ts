// Reference image-resize kernels (NHWC), matching TensorFlow's ResizeBilinear / ResizeNearestNeighbor
// and their gradients, including TF's float32 coordinate arithmetic (Math.fround), so that the
// nearest-neighbour choice agrees with TF at exact ties.
import type { ResizeParams } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

const f32 = Math.fround;

function scaleOf(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : f32(inSize / outSize);
}

/** Per output index: lower and upper source index and the weight of the upper one. */
function linearTable(outSize: number, inSize: number, p: ResizeParams): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const scale = scaleOf(inSize, outSize, p.alignCorners);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const t = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = p.halfPixelCenters ? f32(f32(f32(i + 0.5) * scale) - 0.5) : f32(i * scale);
    const fl = Math.floor(src);
    lo[i] = Math.max(fl, 0);
    hi[i] = Math.min(Math.ceil(src), inSize - 1);
    t[i] = f32(src - fl);
  }
  return { lo, hi, t };
}

function nearestTable(outSize: number, inSize: number, p: ResizeParams): Int32Array {
  const scale = scaleOf(inSize, outSize, p.alignCorners);
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = p.halfPixelCenters ? f32(f32(i + 0.5) * scale) : f32(i * scale);
    let j = Math.min(p.alignCorners ? Math.round(src) : Math.floor(src), inSize - 1);
    if (p.halfPixelCenters) j = Math.max(j, 0);
    idx[i] = j;
  }
  return idx;
}

function toDtype(acc: Float64Array, like: Tensor): TypedArray {
  if (like.dtype === "float64") return acc;
  const out = allocStorage(like.dtype, acc.length);
  out.set(acc);
  return out;
}

/** Bilinear interpolation to `size` = [height, width]. */
export function resizeBilinear(x: Tensor, size: [number, number], p: ResizeParams): Tensor {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = size;
  const ty = linearTable(oh, h, p);
  const tx = linearTable(ow, w, p);
  const xv = x.values;
  const out = allocStorage(x.dtype, n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const top = (b * h + ty.lo[y]) * w;
      const bot = (b * h + ty.hi[y]) * w;
      const yl = ty.t[y];
      for (let xo = 0; xo < ow; xo++) {
        const l = tx.lo[xo] * c;
        const r = tx.hi[xo] * c;
        const xl = tx.t[xo];
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          const tl = xv[top * c + l + ch];
          const tr = xv[top * c + r + ch];
          const bl = xv[bot * c + l + ch];
          const br = xv[bot * c + r + ch];
          const t = tl + (tr - tl) * xl;
          const u = bl + (br - bl) * xl;
          out[o + ch] = t + (u - t) * yl;
        }
      }
    }
  return new Tensor(out, [n, oh, ow, c], x.dtype);
}

/** The adjoint of resizeBilinear: each dy spread onto its four source pixels by the same weights. */
export function resizeBilinearBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor {
  const [n, h, w, c] = xShape;
  const [, oh, ow] = dy.shape;
  const ty = linearTable(oh, h, p);
  const tx = linearTable(ow, w, p);
  const gv = dy.values;
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const top = (b * h + ty.lo[y]) * w * c;
      const bot = (b * h + ty.hi[y]) * w * c;
      const yl = ty.t[y];
      const iyl = 1 - yl;
      for (let xo = 0; xo < ow; xo++) {
        const l = tx.lo[xo] * c;
        const r = tx.hi[xo] * c;
        const xl = tx.t[xo];
        const ixl = 1 - xl;
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) {
          const g = gv[o + ch];
          dx[top + l + ch] += g * iyl * ixl;
          dx[top + r + ch] += g * iyl * xl;
          dx[bot + l + ch] += g * yl * ixl;
          dx[bot + r + ch] += g * yl * xl;
        }
      }
    }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}

/** Nearest-neighbour resize to `size` = [height, width]. */
export function resizeNearest(x: Tensor, size: [number, number], p: ResizeParams): Tensor {
  const [n, h, w, c] = x.shape;
  const [oh, ow] = size;
  const iy = nearestTable(oh, h, p);
  const ix = nearestTable(ow, w, p);
  const xv = x.values;
  const out = allocStorage(x.dtype, n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const row = (b * h + iy[y]) * w;
      for (let xo = 0; xo < ow; xo++) {
        const src = (row + ix[xo]) * c;
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = xv[src + ch];
      }
    }
  return new Tensor(out, [n, oh, ow, c], x.dtype);
}

/** The adjoint of resizeNearest: each dy added to the pixel it was copied from. */
export function resizeNearestBackprop(dy: Tensor, xShape: Shape, p: ResizeParams): Tensor {
  const [n, h, w, c] = xShape;
  const [, oh, ow] = dy.shape;
  const iy = nearestTable(oh, h, p);
  const ix = nearestTable(ow, w, p);
  const gv = dy.values;
  const dx = new Float64Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++) {
      const row = (b * h + iy[y]) * w;
      for (let xo = 0; xo < ow; xo++) {
        const src = (row + ix[xo]) * c;
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) dx[src + ch] += gv[o + ch];
      }
    }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}
