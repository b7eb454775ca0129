// The weights an inference plan's fused chain runs with: the batch norm folded into the convolution's kernel
// and bias (recomputed when a variable is assigned), and the kernel as the backend prepared it for repeated
// convolutions.
import type { Conv2dParams, PackedFilter } from "../backends/backend.js";
import { kernels } from "../backends/index.js";
import { Tensor } from "../tensor/tensor.js";
import { add, mul, neg, sub } from "../ops/arithmetic.js";
import { rsqrt } from "../ops/math.js";
import type { FusedStep } from "./inference-plan.js";

/** Folded weights, valid while the variables still hold the tensors in `key`. */
export interface Folded {
  key: (Tensor | null)[];
  kernel: Tensor | null;
  bias: Tensor | null;
  scale: Tensor | null;
  /** The kernel as the backend prepared it for inputs of shape `forShape` (a conv2d's GEMM operand). */
  packed?: { forShape: string; filter: PackedFilter | null };
}

/** The weights after folding the batch norm in, recomputed when any of the variables was assigned since. */
export function foldedWeights(step: FusedStep): Folded {
  const { producer: p, bn } = step;
  const key = [
    p?.kernel?.value ?? null, p?.bias?.value ?? null,
    bn?.gamma?.value ?? null, bn?.beta?.value ?? null, bn?.movingMean?.value ?? null, bn?.movingVariance?.value ?? null,
  ];
  const old = step.folded;
  if (old && old.key.every((t, i) => t === key[i])) return old;
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
  const forShape = shape.join(",");
  if (f.packed?.forShape !== forShape) f.packed = { forShape, filter: kernels().packConv2dFilter(shape, f.kernel!, g) };
  return f.packed.filter;
}
