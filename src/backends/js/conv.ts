// Reference convolution kernels: NHWC inputs, HWIO filters (depthwise: [kh, kw, C, multiplier]).
// Loop order keeps the innermost loop over contiguous output channels, with index math hoisted,
// so that small CNNs train at a usable speed on this backend.
import type { Conv2dParams } from "../backend.js";
import { allocStorage, type TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/** The valid range of kernel taps [k0, k1) for output position o: in = o * s - pad + k * d in [0, size). */
function taps(o: number, s: number, pad: number, d: number, k: number, size: number): [number, number, number] {
  const base = o * s - pad;
  // smallest k with base + k*d >= 0; largest k with base + k*d < size
  const k0 = base >= 0 ? 0 : Math.ceil(-base / d);
  const k1 = Math.min(k, Math.ceil((size - base) / d));
  return [k0, Math.max(k0, k1), base];
}

function outSize(size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

function toDtype(acc: Float64Array, like: Tensor): TypedArray {
  if (like.dtype === "float64") return acc;
  const out = allocStorage(like.dtype, acc.length);
  out.set(acc);
  return out;
}

/** out[b, oh, ow, co] = sum x[b, oh*s - pt + kh*d, ow*s - pl + kw*d, ci] * w[kh, kw, ci, co]. */
export function conv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  const [n, h, wd, cin] = x.shape;
  const [kh, kw, , cout] = w.shape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, pb, pl, pr] = p.pads;
  const oh = outSize(h, kh, sh, dh, pt, pb);
  const ow = outSize(wd, kw, sw, dw, pl, pr);
  const xv = x.values;
  const wv = w.values;
  const out = allocStorage(x.dtype, n * oh * ow * cout);
  const acc = new Float64Array(cout);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * cin;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        acc.fill(0);
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * cin;
          const wrow = ky * kw * cin * cout;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * cin;
            let wo = wrow + kx * cin * cout;
            for (let ci = 0; ci < cin; ci++, wo += cout) {
              const v = xv[xpix + ci];
              if (v === 0) continue;
              for (let co = 0; co < cout; co++) acc[co] += v * wv[wo + co];
            }
          }
        }
        const o = ((b * oh + y) * ow + xo) * cout;
        for (let co = 0; co < cout; co++) out[o + co] = acc[co];
      }
    }
  }
  return new Tensor(out, [n, oh, ow, cout], x.dtype);
}

/** The gradient of conv2d with respect to its input: dy scattered back through the filter. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor {
  const [n, h, wd, cin] = xShape;
  const [, oh, ow, cout] = dy.shape;
  const [kh, kw] = w.shape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, , pl] = p.pads;
  const gv = dy.values;
  const wv = w.values;
  const dx = new Float64Array(n * h * wd * cin);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * cin;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        const g = ((b * oh + y) * ow + xo) * cout;
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * cin;
          const wrow = ky * kw * cin * cout;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * cin;
            let wo = wrow + kx * cin * cout;
            for (let ci = 0; ci < cin; ci++, wo += cout) {
              let s = 0;
              for (let co = 0; co < cout; co++) s += gv[g + co] * wv[wo + co];
              dx[xpix + ci] += s;
            }
          }
        }
      }
    }
  }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}

/** The gradient of conv2d with respect to its filter: correlations of x with dy. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor {
  const [n, h, wd, cin] = x.shape;
  const [, oh, ow, cout] = dy.shape;
  const [kh, kw] = wShape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, , pl] = p.pads;
  const xv = x.values;
  const gv = dy.values;
  const dwv = new Float64Array(kh * kw * cin * cout);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * cin;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        const g = ((b * oh + y) * ow + xo) * cout;
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * cin;
          const wrow = ky * kw * cin * cout;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * cin;
            let wo = wrow + kx * cin * cout;
            for (let ci = 0; ci < cin; ci++, wo += cout) {
              const v = xv[xpix + ci];
              if (v === 0) continue;
              for (let co = 0; co < cout; co++) dwv[wo + co] += v * gv[g + co];
            }
          }
        }
      }
    }
  }
  return new Tensor(toDtype(dwv, x), wShape, x.dtype);
}

/** out[b, oh, ow, c * m + q] = sum x[b, ih, iw, c] * w[kh, kw, c, q]. */
export function depthwiseConv2d(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , m] = w.shape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, pb, pl, pr] = p.pads;
  const oh = outSize(h, kh, sh, dh, pt, pb);
  const ow = outSize(wd, kw, sw, dw, pl, pr);
  const cm = c * m;
  const xv = x.values;
  const wv = w.values;
  const out = allocStorage(x.dtype, n * oh * ow * cm);
  const acc = new Float64Array(cm);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * c;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        acc.fill(0);
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * c;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * c;
            const wo = (ky * kw + kx) * cm;
            if (m === 1) for (let q = 0; q < cm; q++) acc[q] += xv[xpix + q] * wv[wo + q];
            else
              for (let ci = 0, q = 0; ci < c; ci++) {
                const v = xv[xpix + ci];
                for (let j = 0; j < m; j++, q++) acc[q] += v * wv[wo + q];
              }
          }
        }
        const o = ((b * oh + y) * ow + xo) * cm;
        for (let q = 0; q < cm; q++) out[o + q] = acc[q];
      }
    }
  }
  return new Tensor(out, [n, oh, ow, cm], x.dtype);
}

/** The gradient of depthwiseConv2d with respect to its input. */
export function depthwiseConv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor {
  const [n, h, wd, c] = xShape;
  const [, oh, ow] = dy.shape;
  const [kh, kw, , m] = w.shape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, , pl] = p.pads;
  const cm = c * m;
  const gv = dy.values;
  const wv = w.values;
  const dx = new Float64Array(n * h * wd * c);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * c;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        const g = ((b * oh + y) * ow + xo) * cm;
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * c;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * c;
            const wo = (ky * kw + kx) * cm;
            for (let ci = 0, q = 0; ci < c; ci++) {
              let s = 0;
              for (let j = 0; j < m; j++, q++) s += gv[g + q] * wv[wo + q];
              dx[xpix + ci] += s;
            }
          }
        }
      }
    }
  }
  return new Tensor(toDtype(dx, dy), xShape, dy.dtype);
}

/** The gradient of depthwiseConv2d with respect to its filter. */
export function depthwiseConv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor {
  const [n, h, wd, c] = x.shape;
  const [, oh, ow] = dy.shape;
  const [kh, kw, , m] = wShape;
  const [sh, sw] = p.strides;
  const [dh, dw] = p.dilations;
  const [pt, , pl] = p.pads;
  const cm = c * m;
  const xv = x.values;
  const gv = dy.values;
  const dwv = new Float64Array(kh * kw * cm);
  for (let b = 0; b < n; b++) {
    const xb = b * h * wd * c;
    for (let y = 0; y < oh; y++) {
      const [ky0, ky1, iy0] = taps(y, sh, pt, dh, kh, h);
      for (let xo = 0; xo < ow; xo++) {
        const [kx0, kx1, ix0] = taps(xo, sw, pl, dw, kw, wd);
        const g = ((b * oh + y) * ow + xo) * cm;
        for (let ky = ky0; ky < ky1; ky++) {
          const xrow = xb + (iy0 + ky * dh) * wd * c;
          for (let kx = kx0; kx < kx1; kx++) {
            const xpix = xrow + (ix0 + kx * dw) * c;
            const wo = (ky * kw + kx) * cm;
            for (let ci = 0, q = 0; ci < c; ci++) {
              const v = xv[xpix + ci];
              for (let j = 0; j < m; j++, q++) dwv[wo + q] += v * gv[g + q];
            }
          }
        }
      }
    }
  }
  return new Tensor(toDtype(dwv, x), wShape, x.dtype);
}
