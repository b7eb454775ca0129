import { isFloat } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { zerosLike } from "../tensor/create.js";
import type { Tape } from "./tape.js";

/**
 * Reverse-mode accumulation over a tape: the gradients of `targets` (seeded with `seeds`) with
 * respect to the tensors of `sourceIds` (the returned map holds those). Gradient rules run with this
 * tape paused, so outer tapes record them (higher-order gradients). With `consume`, the tape's records
 * are dropped as they are processed (the tape is discarded afterwards).
 *
 * Memory: an intermediate gradient is dropped once the record producing its tensor has run (every
 * consumer of that tensor comes later on the tape, so its gradient is complete by then), and with
 * `consume` each record's saved tensors go with it, so activations and gradients are freed as the pass
 * moves back instead of all living until it ends.
 */
export function backprop(
  tape: Tape, targets: Tensor[], seeds: Tensor[], sourceIds: ReadonlySet<number>, consume = false,
): Map<number, Tensor> {
  const records = tape.records;
  // Forward pass over the tape: which records lie downstream of a source.
  const reachable = new Set<number>(sourceIds);
  const useful = new Array<boolean>(records.length).fill(false);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.inputs.some((x) => reachable.has(x.id))) {
      useful[i] = true;
      for (const y of r.outputs) reachable.add(y.id);
    }
  }
  const grads = new Map<number, Tensor>();
  const accumulate = (t: Tensor, g: Tensor, opName: string): void => {
    if (!shapesEqual(g.shape, t.shape))
      throw new Error(`gradient of ${opName}: rule returned shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(t.shape)}`);
    if (g.dtype !== t.dtype) g = cast(g, t.dtype);
    const prev = grads.get(t.id);
    grads.set(t.id, prev === undefined ? g : add(prev, g));
  };
  const wasRecording = tape.recording;
  tape.recording = false;
  try {
    targets.forEach((t, i) => accumulate(t, seeds[i], "target"));
    for (let i = records.length - 1; i >= 0; i--) {
      if (!useful[i]) continue;
      const r = records[i];
      let any = false;
      const dys = r.outputs.map((y) => {
        const g = grads.get(y.id);
        if (g !== undefined) any = true;
        return g ?? zerosLike(y);
      });
      if (!any) continue;
      const dxs = r.backward(dys, r.inputs.map((x) => isFloat(x.dtype) && reachable.has(x.id)));
      for (const y of r.outputs) if (!sourceIds.has(y.id)) grads.delete(y.id);
      r.inputs.forEach((x, k) => {
        const g = dxs[k];
        if (g && isFloat(x.dtype) && reachable.has(x.id)) accumulate(x, g, r.name);
      });
      if (consume) records.length = i;
    }
  } finally {
    tape.recording = wasRecording;
  }
  return grads;
}
