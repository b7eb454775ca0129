// Internal: the fused batch-normalization paths of src/ops/norm.ts (not exported from the public barrel).
import { isRecording, record } from "../autograd/tape.js";
import { kernels } from "../backends/index.js";
import { Tensor } from "../tensor/tensor.js";
import { add, div, mul, neg, pow, sub } from "./arithmetic.js";
import { rsqrt } from "./math.js";
import { unbroadcast } from "./operands.js";
import { mean, sum } from "./reduce.js";
import { reluBackprop } from "./relu-grad.js";
import { rememberChannelSums } from "./channel-sums-memo.js";
import { reshape } from "./reshape.js";

/** Switch for A/B measurements (bench/profile): false sends batchNorm and batchNormalization down the composites. */
export const fusedNorm = { enabled: true };

/**
 * A [C] view of a per-channel parameter of x along `ch`: rank 1 of size C, or x's rank with every other
 * dimension 1. Null when `p` is laid out otherwise or has another dtype (the caller then uses the composite).
 */
export function channelVector(p: Tensor, x: Tensor, ch: number): Tensor | null {
  if (p.dtype !== x.dtype) return null;
  const c = x.shape[ch];
  if (p.rank === 1 && p.shape[0] === c) return p;
  if (p.rank !== x.rank || p.shape.some((d, i) => d !== (i === ch ? c : 1))) return null;
  return reshape(p, [c]);
}

/** Training-mode batch normalization on the fused kernels; the statistics and parameters are [C] tensors. */
export function fusedBatchNorm(
  x: Tensor, ch: number, scale: Tensor | null, offset: Tensor | null, epsilon: number,
): { output: Tensor; mean: Tensor; variance: Tensor } {
  const r = kernels().batchNormTrain(x, ch, scale, offset, epsilon);
  const inputs = [x];
  if (scale) inputs.push(scale);
  if (offset) inputs.push(offset);
  record("batchNorm", inputs, [r.y, r.mean, r.variance], ([dy, dmean, dvar], needs) => {
    let g: { dx: Tensor | null; dscale: Tensor; doffset: Tensor };
    // First-order gradients (nothing records the rule) take the fused kernel; under a recording tape the
    // rule is written with ops so that gradients of gradients work.
    if (!isRecording()) g = kernels().batchNormBackprop(dy, x, ch, r.mean, r.invStd, scale, dmean, dvar);
    else g = batchNormGradOps(x, ch, scale, dy, dmean, dvar, epsilon, needs[0]);
    const out: (Tensor | null)[] = [g.dx];
    if (scale) out.push(g.dscale);
    if (offset) out.push(g.doffset);
    return out;
  });
  return { output: r.y, mean: r.mean, variance: r.variance };
}

/**
 * relu(batchNorm(x)) in training mode as one recorded op: the relu applied in the norm's output pass, and its
 * gradient folded into the fused backprop (dy masked where the output was 0, recomputed from x), which also
 * leaves the per-channel sums of dx for the gradient of a bias before the norm (src/ops/channel-sums-memo.ts).
 * Under a recording tape the rule is written with ops (reluBackprop, then the batch-norm rule), as fusedBatchNorm's.
 */
export function fusedBatchNormRelu(
  x: Tensor, ch: number, scale: Tensor | null, offset: Tensor | null, epsilon: number,
): { output: Tensor; mean: Tensor; variance: Tensor } {
  const r = kernels().batchNormTrain(x, ch, scale, offset, epsilon, "relu");
  const inputs = [x];
  if (scale) inputs.push(scale);
  if (offset) inputs.push(offset);
  record("batchNormRelu", inputs, [r.y, r.mean, r.variance], ([dy, dmean, dvar], needs) => {
    let g: { dx: Tensor | null; dscale: Tensor; doffset: Tensor };
    if (!isRecording()) {
      const k = kernels().batchNormBackprop(dy, x, ch, r.mean, r.invStd, scale, dmean, dvar, { relu: { offset }, dxSum: needs[0] });
      if (k.dxSum) rememberChannelSums(k.dx, ch, k.dxSum);
      g = k;
    } else g = batchNormGradOps(x, ch, scale, reluBackprop("relu", dy, r.y), dmean, dvar, epsilon, needs[0]);
    const out: (Tensor | null)[] = [needs[0] ? g.dx : null];
    if (scale) out.push(g.dscale);
    if (offset) out.push(g.doffset);
    return out;
  });
  return { output: r.y, mean: r.mean, variance: r.variance };
}

/** batchNormBackprop's gradients written with ops, the statistics recomputed from x so that they are differentiable. */
function batchNormGradOps(
  x: Tensor, ch: number, scale: Tensor | null, dy: Tensor, dmean: Tensor, dvar: Tensor, epsilon: number, needDx: boolean,
): { dx: Tensor | null; dscale: Tensor; doffset: Tensor } {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== ch);
  const bshape = x.shape.map((d, i) => (i === ch ? d : 1));
  const c = x.shape[ch];
  const n = x.size / Math.max(c, 1);
  const kept = { keepDims: true };
  const xm = sub(x, mean(x, axes, kept));
  const inv = rsqrt(add(mean(mul(xm, xm), axes, kept), epsilon));
  const xhat = mul(xm, inv);
  const dyXhat = mul(dy, xhat);
  const dscale = reshape(sum(dyXhat, axes), [c]);
  const doffset = reshape(sum(dy, axes), [c]);
  if (!needDx) return { dx: null, dscale, doffset };
  const gain = scale ? mul(inv, reshape(scale, bshape)) : inv;
  const centered = sub(sub(dy, mean(dy, axes, kept)), mul(xhat, mean(dyXhat, axes, kept)));
  let dx = mul(gain, centered);
  dx = add(dx, reshape(div(dmean, n), bshape));
  dx = add(dx, mul(xm, reshape(mul(dvar, 2 / n), bshape)));
  return { dx, dscale, doffset };
}

/**
 * batchNormalization on the fused inference kernel when every statistic and parameter is per-channel along
 * one axis of x (or a single broadcast value); null otherwise. The gradient is written with ops.
 */
export function fusedBatchNormalization(
  x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor | null, scale: Tensor | null, epsilon: number,
): Tensor | null {
  const params = [mean, variance, offset, scale].filter((p): p is Tensor => p !== null);
  const ch = commonChannelAxis(x, params);
  if (ch === null) return null;
  const c = x.shape[ch];
  const asVec = (p: Tensor | null): Tensor | null => (p === null ? null : vecOf(p, c));
  const y = kernels().batchNormInference(x, ch, asVec(mean)!, asVec(variance)!, asVec(scale), asVec(offset), epsilon);
  const inputs = [x, mean, variance];
  if (offset) inputs.push(offset);
  if (scale) inputs.push(scale);
  return record("batchNormalization", inputs, y, ([dy], needs) => {
    const r = rsqrt(add(variance, epsilon));
    const inv = scale ? mul(r, scale) : r;
    const dx = mul(dy, inv);
    const grads: (Tensor | null)[] = [needs[0] ? dx : null];
    grads.push(needs[1] ? unbroadcast(neg(dx), mean.shape) : null);
    const dyXm = needs[2] || (scale && needs[inputs.length - 1]) ? mul(dy, sub(x, mean)) : null;
    // d/dvariance of (x - mean) * scale * (variance + eps)^-1/2 = -1/2 (x - mean) * scale * r^3.
    grads.push(needs[2] ? unbroadcast(mul(dyXm!, mul(scale ? mul(scale, -0.5) : -0.5, pow(r, 3))), variance.shape) : null);
    if (offset) grads.push(needs[3] ? unbroadcast(dy, offset.shape) : null);
    if (scale) grads.push(needs[inputs.length - 1] ? unbroadcast(mul(dyXm!, r), scale.shape) : null);
    return grads;
  });
}

/** The [C] values of a per-channel or single-value parameter, as a fresh tensor of its dtype. */
function vecOf(p: Tensor, c: number): Tensor {
  if (p.size === c) return new Tensor(p.values, [c], p.dtype);
  const out = new (p.values.constructor as new (n: number) => Tensor["values"])(c);
  out.fill(p.values[0]);
  return new Tensor(out, [c], p.dtype);
}

/**
 * The axis of x along which every parameter varies (right-aligned broadcasting, at most one non-1 dimension
 * each, equal to x's size there); the last axis when none varies; null when they do not fit or change
 * the output shape or dtype.
 */
function commonChannelAxis(x: Tensor, params: readonly Tensor[]): number | null {
  if (x.rank === 0) return null;
  let ch: number | null = null;
  for (const p of params) {
    if (p.dtype !== x.dtype || p.rank > x.rank) return null;
    const lead = x.rank - p.rank;
    for (let i = 0; i < p.rank; i++) {
      if (p.shape[i] === 1) continue;
      const a = i + lead;
      if (p.shape[i] !== x.shape[a] || (ch !== null && ch !== a)) return null;
      ch = a;
    }
  }
  return ch ?? x.rank - 1;
}
