// Internal to the js conv kernels: a register-blocked matrix product over float64 buffers and the
// im2col / col2im patch transforms that turn convolutions into it.
import type { Conv2dParams } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/**
 * c[M×N] = a[M×K] · b[K×N] (or c += when `accumulate`), all row-major and contiguous. 4×4 blocks of
 * accumulators held in locals (registers) read each loaded value four times, which is what makes
 * plain JS reach useful speed here.
 */
export function gemm(M: number, N: number, K: number, a: Float64Array, b: Float64Array, c: Float64Array, accumulate: boolean): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, bk = j; k < K; k++, bk += N) {
        const b0 = b[bk], b1 = b[bk + 1], b2 = b[bk + 2], b3 = b[bk + 3];
        let x = a[a0 + k];
        c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
        x = a[a1 + k];
        c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
        x = a[a2 + k];
        c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
        x = a[a3 + k];
        c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
      }
      let o = i * N + j;
      if (accumulate) {
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += N;
        c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += N;
        c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += N;
        c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      } else {
        c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += N;
        c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += N;
        c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += N;
        c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
      }
    }
    for (let j = N4; j < N; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, bk = j; k < K; k++, bk += N) {
        const bv = b[bk];
        s0 += a[a0 + k] * bv; s1 += a[a1 + k] * bv; s2 += a[a2 + k] * bv; s3 += a[a3 + k] * bv;
      }
      const o = i * N + j;
      if (accumulate) {
        c[o] += s0; c[o + N] += s1; c[o + 2 * N] += s2; c[o + 3 * N] += s3;
      } else {
        c[o] = s0; c[o + N] = s1; c[o + 2 * N] = s2; c[o + 3 * N] = s3;
      }
    }
  }
  for (let i = M4; i < M; i++) {
    const ai = i * K;
    const o = i * N;
    if (!accumulate) for (let j = 0; j < N; j++) c[o + j] = 0;
    for (let k = 0; k < K; k++) {
      const x = a[ai + k];
      const bk = k * N;
      for (let j = 0; j < N; j++) c[o + j] += x * b[bk + j];
    }
  }
}

/** Geometry of a conv2d with NHWC input [n, h, w, cin], filter [kh, kw, ...], output [n, oh, ow, ...]. */
export interface ConvShape {
  h: number; w: number; cin: number; kh: number; kw: number; oh: number; ow: number;
  p: Conv2dParams;
}

/**
 * Writes the patches of output pixels [p0, p0 + rows) (flattened over batch, oh, ow) into
 * `a` [rows × kh*kw*cin], zeros where the window covers padding. With `transposed`, writes
 * [kh*kw*cin × rows] instead (for the filter gradient).
 */
export function im2col(x: TypedArray, s: ConvShape, p0: number, rows: number, a: Float64Array, transposed: boolean): void {
  const { h, w, cin, kh, kw, oh, ow } = s;
  const [sh, sw] = s.p.strides;
  const [dh, dw] = s.p.dilations;
  const [pt, , pl] = s.p.pads;
  const K = kh * kw * cin;
  let xo = p0 % ow;
  let y = Math.floor(p0 / ow) % oh;
  let b = Math.floor(p0 / (ow * oh));
  for (let r = 0; r < rows; r++) {
    const iy0 = y * sh - pt;
    const ix0 = xo * sw - pl;
    const rowStep = transposed ? rows : 1;
    let dst = transposed ? r : r * K;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      const rowOk = iy >= 0 && iy < h;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (rowOk && ix >= 0 && ix < w) {
          const src = ((b * h + iy) * w + ix) * cin;
          for (let ci = 0; ci < cin; ci++, dst += rowStep) a[dst] = x[src + ci];
        } else {
          for (let ci = 0; ci < cin; ci++, dst += rowStep) a[dst] = 0;
        }
      }
    }
    if (++xo === ow) {
      xo = 0;
      if (++y === oh) {
        y = 0;
        b++;
      }
    }
  }
}

/** The adjoint of im2col (not transposed): adds the patch rows of `a` back into dx. */
export function col2im(a: Float64Array, s: ConvShape, p0: number, rows: number, dx: Float64Array): void {
  const { h, w, cin, kh, kw, oh, ow } = s;
  const [sh, sw] = s.p.strides;
  const [dh, dw] = s.p.dilations;
  const [pt, , pl] = s.p.pads;
  const K = kh * kw * cin;
  let xo = p0 % ow;
  let y = Math.floor(p0 / ow) % oh;
  let b = Math.floor(p0 / (ow * oh));
  for (let r = 0; r < rows; r++) {
    const iy0 = y * sh - pt;
    const ix0 = xo * sw - pl;
    let src = r * K;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      if (iy < 0 || iy >= h) {
        src += kw * cin;
        continue;
      }
      for (let kx = 0; kx < kw; kx++, src += cin) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= w) continue;
        const d = ((b * h + iy) * w + ix) * cin;
        for (let ci = 0; ci < cin; ci++) dx[d + ci] += a[src + ci];
      }
    }
    if (++xo === ow) {
      xo = 0;
      if (++y === oh) {
        y = 0;
        b++;
      }
    }
  }
}

/** A float64 copy of `src[off, off + n)` in `buf` (a view when src is already float64 and no copy is needed). */
export function asFloat64(src: TypedArray, off: number, n: number, buf: Float64Array): Float64Array {
  if (src instanceof Float64Array) return src.subarray(off, off + n);
  const out = buf.subarray(0, n);
  for (let i = 0; i < n; i++) out[i] = src[off + i];
  return out;
}
