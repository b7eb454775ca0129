import { isFloat } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { zerosLike } from "../tensor/create.js";
import type { Tape } from "./tape.js";

/**
 * Reverse-mode accumulation over a tape: the gradients of `targets` (seeded with `seeds`) with
 * respect to every tensor on a path from `sourceIds`. Gradient rules run with this tape paused,
 * so outer tapes record them (higher-order gradients).
 */
export function backprop(tape: Tape, targets: Tensor[], seeds: Tensor[], sourceIds: ReadonlySet<number>): Map<number, Tensor> {
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
      r.inputs.forEach((x, k) => {
        const g = dxs[k];
        if (g && isFloat(x.dtype) && reachable.has(x.id)) accumulate(x, g, r.name);
      });
    }
  } finally {
    tape.recording = wasRecording;
  }
  return grads;
}
