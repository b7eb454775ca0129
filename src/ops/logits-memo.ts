// Keras' `_keras_logits`: a softmax or sigmoid output remembers its logits, and the crossentropy
// losses use them (stable, unclipped) instead of the probabilities, exactly as Keras 3 does.
import type { Tensor } from "../tensor/tensor.js";

const logitsByOutput = new WeakMap<Tensor, { logits: Tensor; kind: "softmax" | "sigmoid" }>();

/** Records that `output` is softmax(logits) or sigmoid(logits), for the crossentropy losses. */
export function rememberLogits(output: Tensor, logits: Tensor, kind: "softmax" | "sigmoid"): Tensor {
  logitsByOutput.set(output, { logits, kind });
  return output;
}

/** The logits `output` was computed from by the given activation, if recorded. */
export function logitsOf(output: Tensor, kind: "softmax" | "sigmoid"): Tensor | null {
  const r = logitsByOutput.get(output);
  return r && r.kind === kind ? r.logits : null;
}
