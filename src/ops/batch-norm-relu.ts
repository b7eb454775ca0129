// Internal (not in the public barrel): relu(batchNorm(x)) for the training-time graph fusion
// (src/models/training-fusion.ts through BatchNormalization): one fused op when batchNorm would run fused,
// else the two ops.
import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { normalizeAxes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { relu } from "./activations.js";
import { type BatchNormOptions, batchNorm } from "./norm.js";
import { channelVector, fusedBatchNormRelu, fusedNorm } from "./norm-fused.js";

/** relu of batchNorm's output, with batchNorm's batch mean and variance; the same arguments and checks. */
export function batchNormRelu(x: TensorLike, opts: BatchNormOptions = {}): { output: Tensor; mean: Tensor; variance: Tensor } {
  const op = "batchNorm";
  const t = toTensor(x, op);
  if (fusedNorm.enabled && isFloat(t.dtype) && t.rank >= 1) {
    const [ch] = normalizeAxes(op, opts.axis ?? -1, t.rank);
    const vec = (p: TensorLike | null | undefined): Tensor | null | undefined =>
      p == null ? null : (channelVector(toTensor(p, op, t.dtype), t, ch) ?? undefined);
    const o = vec(opts.offset);
    const s = vec(opts.scale);
    if (o !== undefined && s !== undefined) return fusedBatchNormRelu(t, ch, s, o, opts.epsilon ?? 1e-3);
  }
  const r = batchNorm(t, opts);
  return { ...r, output: relu(r.output) };
}
