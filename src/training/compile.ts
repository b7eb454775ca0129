// compile(): the optimizer, loss and metrics a model trains with, kept beside the model (not in it).
import { Mean } from "../metrics/reduction.js";
import type { Metric } from "../metrics/metric.js";
import { getOptimizer } from "../optimizers/get.js";
import { Optimizer } from "../optimizers/optimizer.js";
import type { Model } from "../models/model.js";
import { CompileLoss, type LossSpec, type LossWeightsSpec } from "./compile-loss.js";
import { CompileMetrics, type MetricsSpec } from "./compile-metrics.js";

/** Options of `model.compile` (Keras' compile arguments, camelCase). */
export interface CompileOptions {
  /** An optimizer or its Keras name ("adam", "sgd", "rmsprop", ...). Default "rmsprop", as Keras. */
  optimizer?: string | Optimizer | { className?: string; class_name?: string; config?: object };
  /** The loss: a Keras name, a Loss, a function; or one per output (list or record by output name). */
  loss?: LossSpec | null;
  /** Weights of the per-output losses in the total loss. */
  lossWeights?: LossWeightsSpec | null;
  /** Metrics, updated without sample weights: ["accuracy"], or one entry per output. */
  metrics?: MetricsSpec | null;
  /** Metrics updated with sample weights (and class weights). */
  weightedMetrics?: MetricsSpec | null;
}

/** What compile leaves for fit / evaluate: the optimizer, the compiled loss and metrics, the loss tracker. */
export interface CompiledState {
  optimizer: Optimizer;
  loss: CompileLoss | null;
  metrics: CompileMetrics | null;
  /** Mean of the batch losses weighted by batch size (Keras' "loss" metric). */
  lossTracker: Mean;
  options: CompileOptions;
}

const states = new WeakMap<Model, CompiledState>();

/** The names Keras gives a model's outputs: the names of the layers that produce them. */
export function outputNames(model: Model): string[] {
  const outs = model.outputs;
  if (outs.length === 0) return ["output"];
  return outs.map((t) => t.history?.layer.name ?? t.name);
}

/**
 * Configures `model` for training (Keras' Model.compile): resolves the optimizer and wraps the loss and
 * metrics, which are built on the first batch (when the shapes of the targets are known).
 *
 * @example
 * compileModel(model, { optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
 */
export function compileModel(model: Model, opts: CompileOptions = {}): void {
  const optimizer = getOptimizer(opts.optimizer ?? "rmsprop");
  const names = outputNames(model);
  const loss = opts.loss === undefined || opts.loss === null ? null : new CompileLoss(opts.loss, opts.lossWeights ?? null, names);
  const metrics =
    (opts.metrics ?? null) === null && (opts.weightedMetrics ?? null) === null
      ? null
      : new CompileMetrics(opts.metrics ?? null, opts.weightedMetrics ?? null, names);
  states.set(model, { optimizer, loss, metrics, lossTracker: new Mean({ name: "loss" }), options: opts });
  model.stopTraining = false;
}

/** The compiled state of `model`, or an error saying to compile first. */
export function compiledState(model: Model, method: string): CompiledState {
  const s = states.get(model);
  if (!s) throw new Error(`${model.className} "${model.name}".${method}: the model is not compiled; call model.compile({ optimizer, loss, metrics }) first`);
  return s;
}

/** The compiled state, or null when the model was never compiled. */
export function maybeCompiledState(model: Model): CompiledState | null {
  return states.get(model) ?? null;
}

/** The model's metrics in Keras' order: the loss tracker, the compiled metrics, then the per-output loss trackers. */
export function modelMetrics(state: CompiledState): Metric[] {
  return [state.lossTracker, ...(state.metrics?.metrics ?? []), ...(state.loss?.metrics ?? [])];
}

/** Keras' metrics_names order for flattening logs: "loss", each compiled metric's own name, each "<output>_loss". */
export function metricNamesInOrder(state: CompiledState): string[] {
  return modelMetrics(state).map((m) => m.name);
}

/** Zeroes every metric (at the start of each epoch and of evaluate). */
export function resetMetrics(state: CompiledState): void {
  state.lossTracker.resetState();
  state.metrics?.resetState();
  for (const m of state.loss?.metrics ?? []) m.resetState();
}
