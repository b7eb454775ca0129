// The weights an inference plan's fused chain runs with: the batch norm folded into the convolution's kernel
// and bias (recomputed when a variable is assigned), and the kernel as the backend prepared it for repeated
// convolutions.
import type { Conv2dParams, PackedFilter } from "../backends/backend.js";
import { kernels } from "../backends/index.js";
import { Tensor } from "../tensor/tensor.js";
import { shapesEqual } from "../tensor/shape.js";
import { add, mul, neg, sub } from "../ops/arithmetic.js";
import { rsqrt } from "../ops/math.js";
import { conv2dSetup, outputShapeNHWC } from "../ops/conv-geometry.js";
import type { FusedStep } from "./inference-plan.js";

type ConvOptions = Parameters<typeof conv2dSetup>[3];

/** Folded weights, valid while the variables still hold the tensors in `key`. */
export interface Folded {
  key: (Tensor | null)[];
  kernel: Tensor | null;
  bias: Tensor | null;
  scale: Tensor | null;
  /** The kernel as the backend prepared it for inputs of shape `dims` (a conv2d's GEMM operand). */
  packed?: { dims: readonly number[]; filter: PackedFilter | null };
  /** The convolution's geometry and output shape for inputs of shape `dims`. */
  geometry?: ConvGeometry;
}

export interface ConvGeometry {
  dims: readonly number[];
  g: Conv2dParams;
  shape: [number, number, number, number];
}

// The chain's variables' current tensors, in key order (no array built: this runs at every step of a predict).
function keyAt(step: FusedStep, i: number): Tensor | null {
  const { producer: p, bn } = step;
  switch (i) {
    case 0: return p?.kernel?.value ?? null;
    case 1: return p?.bias?.value ?? null;
    case 2: return bn?.gamma?.value ?? null;
    case 3: return bn?.beta?.value ?? null;
    case 4: return bn?.movingMean?.value ?? null;
    default: return bn?.movingVariance?.value ?? null;
  }
}

/** The weights after folding the batch norm in, recomputed when any of the variables was assigned since. */
export function foldedWeights(step: FusedStep): Folded {
  const { producer: p, bn } = step;
  const old = step.folded;
  if (old) {
    let same = true;
    for (let i = 0; i < 6 && same; i++) same = old.key[i] === keyAt(step, i);
    if (same) return old;
  }
  const key = [0, 1, 2, 3, 4, 5].map((i) => keyAt(step, i));
  const [kernel, bias, gamma, beta, mean, variance] = key;
  let folded: Folded;
  if (!bn) folded = { key, kernel, bias, scale: null };
  else {
    // inv = gamma / sqrt(var + eps) and shift = beta - mean * inv with the very ops batchNormalization uses, so a
    // standalone batch norm gives its unfused result bit for bit.
    let invT = rsqrt(add(variance!, bn.epsilon));
    if (gamma) invT = mul(invT, gamma);
    const shiftT = beta ? sub(beta, mul(mean!, invT)) : neg(mul(mean!, invT));
    if (!p) folded = { key, kernel: null, bias: shiftT, scale: invT };
    else {
      // Each product in float64, rounded once into the layer dtype: w'[..., k] = w[..., k] * inv[k] (the output
      // channel is the flat index modulo c for all three kernels); b' = b * inv + shift.
      const c = invT.size;
      const inv = invT.values;
      const shift = shiftT.values;
      const alloc = (n: number) => (step.dtype === "float32" ? new Float32Array(n) : new Float64Array(n));
      const w = kernel!.values;
      const wf = alloc(w.length);
      for (let i = 0, k = 0; i < w.length; i++) {
        wf[i] = w[i] * inv[k];
        if (++k === c) k = 0;
      }
      const bf = alloc(c);
      for (let i = 0; i < c; i++) bf[i] = (bias ? bias.values[i] * inv[i] : 0) + shift[i];
      const make = (v: Float32Array | Float64Array, shape: readonly number[]) => new Tensor(v, shape, step.dtype as "float32" | "float64");
      folded = { key, kernel: make(wf, kernel!.shape), bias: make(bf, [c]), scale: null };
    }
  }
  step.folded = folded;
  return folded;
}

/**
 * The folded conv2d kernel prepared by the backend for inputs of `shape` (packed once, then reused by every
 * call: the kernel is constant until the weights change, which refolds). Costs a second copy of the kernel.
 */
export function packedKernel(f: Folded, shape: readonly number[], g: Conv2dParams): PackedFilter | null {
  if (!f.packed || !shapesEqual(f.packed.dims, shape)) f.packed = { dims: [...shape], filter: kernels().packConv2dFilter(shape, f.kernel!, g) };
  return f.packed.filter;
}

/**
 * The folded convolution's geometry for x, checked and resolved by conv2dSetup once per input shape, then reused
 * by every predict while `geometry.dims` matches (cout: the output channels).
 */
export function convGeometry(f: Folded, name: string, x: Tensor, opts: ConvOptions, cout: number): ConvGeometry {
  const g = conv2dSetup(name, x, f.kernel!, opts).p;
  f.geometry = { dims: [...x.shape], g, shape: outputShapeNHWC(x.shape, f.kernel!.shape, g, cout) };
  return f.geometry;
}
