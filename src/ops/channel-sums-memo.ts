// Internal: per-channel sums of a gradient computed for free by the kernel that produced it (the relu-fused
// batch-norm backprop sums its dx in its last pass), so the gradient of a bias feeding that op (a conv's)
// need not reduce the whole tensor again. Only first-order gradients use it: a memo is a constant, so under
// a recording tape the reduction must be an op.
import { isRecording } from "../autograd/tape.js";
import type { Tensor } from "../tensor/tensor.js";

const sumsByTensor = new WeakMap<Tensor, { axis: number; sums: Tensor }>();

/** Records that `sums` ([C]) is the sum of `t` over every axis but `axis`. */
export function rememberChannelSums(t: Tensor, axis: number, sums: Tensor): void {
  sumsByTensor.set(t, { axis, sums });
}

/** The recorded sums of `t` over every axis but `axis` (null when none, or while a tape records). */
export function channelSumsOf(t: Tensor, axis: number): Tensor | null {
  if (isRecording()) return null;
  const m = sumsByTensor.get(t);
  return m && m.axis === axis && m.sums.dtype === t.dtype ? m.sums : null;
}
