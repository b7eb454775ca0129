// The train, test and predict steps: one batch each. The train step is the GradientTape loop of
// Keras' TensorFlow trainer: forward (training=true), loss plus the layers' losses, gradients of the
// trainable weights, optimizer.applyGradients, then the metrics.
import { GradientTape } from "../autograd/gradient-tape.js";
import { noGrad } from "../autograd/tape.js";
import { zip } from "../optimizers/optimizer.js";
import { add } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { sum } from "../ops/reduce.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Model } from "../models/model.js";
import type { CompiledState } from "./compile.js";
import type { Batch } from "./data.js";
import { type Logs, sortedLogs } from "./logs.js";

/** Runs the model on a batch's inputs and returns its outputs as a list. */
export function callModel(model: Model, x: Tensor[], training: boolean): Tensor[] {
  const expected = model.inputs.length;
  if (expected > 0 && x.length !== expected)
    throw new Error(`${model.className} "${model.name}": expected ${expected} input(s), got ${x.length}`);
  const { outputs } = model.invoke(x.length === 1 ? x[0] : x, { training }, x.length > 1);
  return outputs as Tensor[];
}

/**
 * Keras' compute_loss: the compiled loss plus the sum of each of the model's losses (activity and
 * weight regularization penalties, `addLoss` terms) from the forward pass just run.
 */
export function computeLoss(model: Model, state: CompiledState, y: Tensor[] | null, yPred: Tensor[], sampleWeight: (Tensor | null)[] | null): Tensor {
  const parts: Tensor[] = [];
  if (state.loss) {
    if (!y) throw new Error(`${model.className} "${model.name}": the model was compiled with a loss, so it needs targets y`);
    const l = state.loss.call(y, yPred, sampleWeight);
    if (l) parts.push(l);
  }
  for (const l of model.losses) parts.push(sum(isFloat(l.dtype) ? l : cast(l, "float32")));
  if (parts.length === 0)
    throw new Error(`${model.className} "${model.name}": no loss to compute; give compile() a loss (or add losses in layers)`);
  return parts.length === 1 ? parts[0] : parts.reduce((a, b) => add(a, b));
}

/** The logs of every metric so far: "loss", compiled metrics, per-output losses (keys sorted, as Keras). */
export function metricsResult(state: CompiledState): Logs {
  const logs: Logs = { loss: state.lossTracker.result().item() };
  if (state.metrics?.built) Object.assign(logs, state.metrics.result());
  for (const m of state.loss?.metrics ?? []) logs[m.name] = m.result().item();
  return sortedLogs(logs);
}

/** Updates the compiled metrics with a batch and returns all metric results. */
function computeMetrics(state: CompiledState, y: Tensor[] | null, yPred: Tensor[], sampleWeight: (Tensor | null)[] | null): Logs {
  if (state.metrics && y) noGrad(() => state.metrics!.updateState(y, yPred, sampleWeight));
  return metricsResult(state);
}

/** One training step on `batch`; returns the running logs of the epoch. */
export function trainStep(model: Model, state: CompiledState, batch: Batch): Logs {
  const tape = new GradientTape();
  let yPred: Tensor[] = [];
  const loss = tape.run(() => {
    yPred = callModel(model, batch.x, true);
    return computeLoss(model, state, batch.y, yPred, batch.sampleWeight);
  });
  state.lossTracker.updateState(loss, batch.x[0].shape[0]);
  const vars = model.trainableWeights;
  if (vars.length > 0) {
    const grads = tape.gradient(loss, vars, { unconnectedGradients: "none" });
    state.optimizer.applyGradients(zip(grads, vars));
  }
  return computeMetrics(state, batch.y, yPred, batch.sampleWeight);
}

/** One evaluation step (inference mode, no gradients); returns the running logs. */
export function testStep(model: Model, state: CompiledState, batch: Batch): Logs {
  return noGrad(() => {
    const yPred = callModel(model, batch.x, false);
    const loss = computeLoss(model, state, batch.y, yPred, batch.sampleWeight);
    state.lossTracker.updateState(loss, batch.x[0].shape[0]);
    return computeMetrics(state, batch.y, yPred, batch.sampleWeight);
  });
}

/** One prediction step: the model's outputs in inference mode. */
export function predictStep(model: Model, x: Tensor[]): Tensor[] {
  return noGrad(() => callModel(model, x, false));
}
