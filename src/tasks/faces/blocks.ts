// Building blocks shared by the face networks, written with deepts ops, and named access to their weights.
import { add, div, sub } from "../../ops/arithmetic.js";
import { conv2d, depthwiseConv2d } from "../../ops/conv.js";
import { fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/** A network's weights by TF.js name, with checked lookups that name the net and the missing weight. */
export class WeightMap {
  constructor(
    readonly net: string,
    readonly tensors: ReadonlyMap<string, Tensor>,
  ) {}

  /** The weight `name`, checked to have `shape` (use -1 for any size on an axis). */
  get(name: string, shape?: readonly number[]): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.net}: weight "${name}" is missing; the weights file is not one for this network`);
    if (shape && (t.rank !== shape.length || shape.some((d, i) => d !== -1 && d !== t.shape[i])))
      throw new Error(`${this.net}: weight "${name}" has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape.map((d) => (d === -1 ? NaN : d)))}`);
    return t;
  }

  /** Number of scalars over all weights. */
  get parameterCount(): number {
    let n = 0;
    for (const t of this.tensors.values()) n += t.size;
    return n;
  }
}

export type Pad = "same" | "valid";

/** conv2d (HWIO filter) plus bias. */
export function convBias(x: Tensor, filters: Tensor, bias: Tensor, strides: number, padding: Pad): Tensor {
  return add(conv2d(x, filters, { strides, padding }), bias);
}

/** TF's separableConv2d (depthwise [kh, kw, c, 1] then pointwise 1x1) plus bias. */
export function separableConvBias(x: Tensor, depthwise: Tensor, pointwise: Tensor, bias: Tensor, strides: number, padding: Pad): Tensor {
  const dw = depthwiseConv2d(x, depthwise, { strides, padding });
  return add(conv2d(dw, pointwise, { strides: 1, padding: "valid" }), bias);
}

/** (x - mean) / 255 per RGB channel, the input normalisation of face-api's nets. */
export function normalizeRgb(x: Tensor, meanRgb: readonly [number, number, number]): Tensor {
  return div(sub(x, [...meanRgb]), 255);
}

/**
 * Folds a per-output-channel affine y = (conv(x, w) + b) * s + t into the conv: filters w * s and bias b * s + t,
 * computed in float64 and rounded once. Output channels are the innermost filter axes: HWIO for conv2d, and
 * [kh, kw, C, 1] for a depthwise conv.
 */
export function foldScale(filters: Tensor, bias: Tensor | null, scale: ArrayLike<number>, shift: ArrayLike<number>): { filters: Tensor; bias: Tensor } {
  const c = scale.length;
  const w = filters.values;
  const fw = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) fw[i] = w[i] * scale[i % c];
  const fb = new Float32Array(c);
  for (let j = 0; j < c; j++) fb[j] = (bias ? bias.values[j] : 0) * scale[j] + shift[j];
  return { filters: new Tensor(fw, filters.shape, "float32"), bias: new Tensor(fb, [c], "float32") };
}
