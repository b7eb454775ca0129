// Internal: the projective image transform behind RandomRotation, RandomZoom and RandomTranslation, with
// TensorFlow's ImageProjectiveTransformV3 semantics (what Keras 3's affine_transform calls): fill modes,
// nearest / bilinear sampling, float32 coordinate arithmetic. Built from gathers so it is differentiable
// with respect to the images.
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { add, mul } from "../ops/arithmetic.js";
import { gather } from "../ops/indexing.js";
import { reshape } from "../ops/reshape.js";
import { transpose } from "../ops/movement.js";
import type { DataFormat } from "./data-format.js";

export type FillMode = "reflect" | "wrap" | "constant" | "nearest";
export type Interpolation = "bilinear" | "nearest";

export const FILL_MODES: readonly FillMode[] = ["reflect", "wrap", "constant", "nearest"];
export const INTERPOLATIONS: readonly Interpolation[] = ["bilinear", "nearest"];

export interface TransformOptions {
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
  dataFormat: DataFormat;
}

const f = Math.fround;

/** Maps an input coordinate outside [0, len - 1] back inside, as TF's MapCoordinate (float32 arithmetic). */
function mapCoordinate(c: number, len: number, mode: FillMode): number {
  let v = c;
  if (mode === "reflect") {
    if (v < 0) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        if (v < sz2) v = f(sz2 * Math.trunc(f(-v / sz2)) + v);
        v = v < -len ? f(v + sz2) : f(-v - 1);
      }
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else {
        const sz2 = 2 * len;
        v = f(v - sz2 * Math.trunc(f(v / sz2)));
        if (v >= len) v = f(sz2 - v - 1);
      }
    }
  } else if (mode === "wrap") {
    if (v < 0) {
      if (len <= 1) v = 0;
      else v = f(v + len * (Math.trunc(f(-v / (len - 1))) + 1));
    } else if (v > len - 1) {
      if (len <= 1) v = 0;
      else v = f(v - len * Math.trunc(f(v / (len - 1))));
    }
  } else if (mode === "constant") {
    return v;
  }
  return Math.min(Math.max(v, 0), len - 1);
}

/** std::round: halves away from zero. */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/**
 * Applies one projective transform per image ([a0, a1, a2, b0, b1, b2, c0, c1], mapping output (x, y) to
 * input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1) to a rank-4 batch.
 */
export function affineTransform(images: Tensor, transforms: readonly (readonly number[])[], opts: TransformOptions): Tensor {
  const x = opts.dataFormat === "channelsFirst" ? transpose(images, [0, 2, 3, 1]) : images;
  const [b, h, w, c] = x.shape;
  const n = b * h * w;
  const corners = opts.interpolation === "nearest" ? 1 : 4;
  const idx = Array.from({ length: corners }, () => new Int32Array(n));
  const wts = Array.from({ length: corners }, () => new Float32Array(n));
  const fillW = new Float32Array(n);
  const inside = (yy: number, xx: number): boolean => yy >= 0 && yy < h && xx >= 0 && xx < w;
  let p = 0;
  for (let bi = 0; bi < b; bi++) {
    const t = (transforms.length === 1 ? transforms[0] : transforms[bi]).map(f);
    for (let oy = 0; oy < h; oy++)
      for (let ox = 0; ox < w; ox++, p++) {
        const k = f(f(f(t[6] * ox) + f(t[7] * oy)) + 1);
        if (k === 0) {
          fillW[p] = 1;
          continue;
        }
        const ix = f(f(f(f(t[0] * ox) + f(t[1] * oy)) + t[2]) / k);
        const iy = f(f(f(f(t[3] * ox) + f(t[4] * oy)) + t[5]) / k);
        // Only "constant" leaves coordinates outside the image; corners outside read the fill value.
        const xs = mapCoordinate(ix, w, opts.fillMode);
        const ys = mapCoordinate(iy, h, opts.fillMode);
        const base = bi * h * w;
        if (corners === 1) {
          const ry = roundHalfAway(ys);
          const rx = roundHalfAway(xs);
          if (inside(ry, rx)) {
            idx[0][p] = base + ry * w + rx;
            wts[0][p] = 1;
          } else fillW[p] = 1;
          continue;
        }
        const y0 = Math.floor(ys);
        const x0 = Math.floor(xs);
        const dy = f(ys - y0);
        const dx = f(xs - x0);
        const cy = f(y0 + 1 - ys);
        const cx = f(x0 + 1 - xs);
        const cs: [number, number, number][] = [[y0, x0, f(cy * cx)], [y0, x0 + 1, f(cy * dx)], [y0 + 1, x0, f(dy * cx)], [y0 + 1, x0 + 1, f(dy * dx)]];
        cs.forEach(([yy, xx, wt], j) => {
          if (inside(yy, xx)) {
            idx[j][p] = base + yy * w + xx;
            wts[j][p] = wt;
          } else fillW[p] += wt;
        });
      }
  }
  const flat = reshape(x, [n, c]);
  let out: Tensor | null = null;
  for (let j = 0; j < corners; j++) {
    const term = mul(gather(flat, tensor(idx[j], [n], "int32")), tensor(wts[j], [n, 1], x.dtype));
    out = out === null ? term : add(out, term);
  }
  if (opts.fillValue !== 0) out = add(out!, mul(tensor(fillW, [n, 1], x.dtype), opts.fillValue));
  const y = reshape(out!, [b, h, w, c]);
  return opts.dataFormat === "channelsFirst" ? transpose(y, [0, 3, 1, 2]) : y;
}
