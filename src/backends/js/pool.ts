// Reference pooling kernels (NHWC). Padded cells never win a max and never count in an average,
// as in TensorFlow.
import type { Pool2dParams } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

interface Plan {
  n: number; h: number; w: number; c: number; oh: number; ow: number;
  /** Clipped window bounds per output row / column: [start, end) in input coordinates. */
  rows: Int32Array; cols: Int32Array;
}

function plan(xShape: Shape, p: Pool2dParams): Plan {
  const [n, h, w, c] = xShape;
  const [kh, kw] = p.windowShape;
  const [sh, sw] = p.strides;
  const [pt, pb, pl, pr] = p.pads;
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const bounds = (o: number, s: number, pad: number, k: number, size: number, out: Int32Array): void => {
    for (let i = 0; i < o; i++) {
      const start = i * s - pad;
      out[2 * i] = Math.max(start, 0);
      out[2 * i + 1] = Math.min(start + k, size);
    }
  };
  const rows = new Int32Array(2 * oh);
  const cols = new Int32Array(2 * ow);
  bounds(oh, sh, pt, kh, h, rows);
  bounds(ow, sw, pl, kw, w, cols);
  return { n, h, w, c, oh, ow, rows, cols };
}

function toDtype(acc: Float64Array, like: Tensor): TypedArray {
  if (like.dtype === "float64") return acc;
  const out = allocStorage(like.dtype, acc.length);
  out.set(acc);
  return out;
}

/** Max over each window; an all-padding window (explicit padding only) gives -Infinity. */
export function maxPool2d(x: Tensor, p: Pool2dParams): Tensor {
  const { n, h, w, c, oh, ow, rows, cols } = plan(x.shape, p);
  const xv = x.values;
  const out = allocStorage(x.dtype, n * oh * ow * c);
  const best = new Float64Array(c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        best.fill(-Infinity);
        for (let iy = rows[2 * y]; iy < rows[2 * y + 1]; iy++)
          for (let ix = cols[2 * xo]; ix < cols[2 * xo + 1]; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xv[base + ch];
              if (v > best[ch] || v !== v) best[ch] = v;
            }
          }
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = best[ch];
      }
  return new Tensor(out, [n, oh, ow, c], x.dtype);
}

/** Routes each dy to the first maximum (row-major within the window) of its window. */
export function maxPool2dBackprop(dy: Tensor, x: Tensor, p: Pool2dParams): Tensor {
  const { n, h, w, c, oh, ow, rows, cols } = plan(x.shape, p);
  const xv = x.values;
  const gv = dy.values;
  const dx = new Float64Array(x.size);
  const best = new Float64Array(c);
  const arg = new Int32Array(c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        best.fill(-Infinity);
        arg.fill(-1);
        for (let iy = rows[2 * y]; iy < rows[2 * y + 1]; iy++)
          for (let ix = cols[2 * xo]; ix < cols[2 * xo + 1]; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xv[base + ch];
              if (v > best[ch] || arg[ch] < 0) {
                best[ch] = v;
                arg[ch] = base + ch;
              }
            }
          }
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) if (arg[ch] >= 0) dx[arg[ch]] += gv[o + ch];
      }
  return new Tensor(toDtype(dx, dy), x.shape, dy.dtype);
}

/** Mean over the in-bounds cells of each window. */
export function avgPool2d(x: Tensor, p: Pool2dParams): Tensor {
  const { n, h, w, c, oh, ow, rows, cols } = plan(x.shape, p);
  const xv = x.values;
  const out = allocStorage(x.dtype, n * oh * ow * c);
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        acc.fill(0);
        const r0 = rows[2 * y], r1 = rows[2 * y + 1], c0 = cols[2 * xo], c1 = cols[2 * xo + 1];
        for (let iy = r0; iy < r1; iy++)
          for (let ix = c0; ix < c1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) acc[ch] += xv[base + ch];
          }
        const count = Math.max((r1 - r0) * (c1 - c0), 0);
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = count > 0 ? acc[ch] / count : 0;
      }
  return new Tensor(out, [n, oh, ow, c], x.dtype);
}

/** Spreads each dy evenly over the in-bounds cells of its window. */
export function avgPool2dBackprop(dy: Tensor, xShape: Shape, p: Pool2dParams): Tensor {
  const { n, h, w, c, oh, ow, rows, cols } = plan(xShape, p);
  const gv = dy.values;
  const dx = new Float64Array(n * h * w * c);
  const share = new Float64Array(c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        const r0 = rows[2 * y], r1 = rows[2 * y + 1], c0 = cols[2 * xo], c1 = cols[2 * xo + 1];
        const count = (r1 - r0) * (c1 - c0);
        if (count <= 0) continue;
        const o = ((b * oh + y) * ow + xo) * c;
        for (let ch = 0; ch < c; ch++) share[ch] = gv[o + ch] / count;
        for (let iy = r0; iy < r1; iy++)
          for (let ix = c0; ix < c1; ix++) {
            const base = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) dx[base + ch] += share[ch];
          }
      }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}
