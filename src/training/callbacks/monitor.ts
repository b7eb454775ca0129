// MonitorCallback: the shared logic of callbacks that watch one logged value (keras MonitorCallback).
import type { Metric } from "../../metrics/metric.js";
import { maybeCompiledState, modelMetrics } from "../compile.js";
import { Callback } from "./callback.js";

export type MonitorMode = "auto" | "min" | "max";

/** Metric classes Keras marks to be maximized (its `_direction = "up"`); the rest of its metrics go down. */
const UP = new Set([
  "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
  "SparseTopKCategoricalAccuracy", "Precision", "Recall", "AUC", "CosineSimilarity", "CosineSimilarityMetric", "R2Score",
  "FBetaScore", "F1Score", "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation",
  "ConcordanceCorrelation", "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
]);
const DOWN = new Set([
  "MeanSquaredError", "MeanSquaredErrorMetric", "MeanAbsoluteError", "MeanAbsoluteErrorMetric", "MeanAbsolutePercentageError",
  "MeanAbsolutePercentageErrorMetric", "MeanSquaredLogarithmicError", "MeanSquaredLogarithmicErrorMetric", "RootMeanSquaredError",
  "LogCoshError", "Hinge", "SquaredHinge", "CategoricalHinge", "BinaryCrossentropy", "CategoricalCrossentropy",
  "SparseCategoricalCrossentropy", "KLDivergence", "Poisson",
]);
/** Loss functions used as metrics (a MeanMetricWrapper of a loss goes down, as in Keras). */
const LOSS_FN = /crossentropy|hinge|kl_?d|kullback|poisson|huber|log_?cosh|squared_error|absolute_error|mse|mae|mape|msle/i;

/** Whether a metric should go "up" or "down", as Keras' `_direction`; null when unknown. */
export function metricDirection(m: Metric): "up" | "down" | null {
  const own = (m as unknown as { direction?: unknown }).direction;
  if (own === "up" || own === "down") return own;
  if (UP.has(m.className)) return "up";
  if (DOWN.has(m.className)) return "down";
  if (m.className === "MeanMetricWrapper" && (LOSS_FN.test(m.name) || LOSS_FN.test((m as unknown as { fn?: { name?: string } }).fn?.name ?? ""))) return "down";
  return null;
}

/**
 * Base of callbacks that watch `monitor` in the epoch logs and compare it to the best value so far:
 * "min" / "max" mode, or "auto" (losses go down; metrics by their direction), with `minDelta`.
 */
export class MonitorCallback extends Callback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  minDelta: number;
  best: number | null;
  protected monitorOp: ((a: number, b: number) => boolean) | null = null;

  constructor(monitor = "val_loss", mode: MonitorMode = "auto", baseline: number | null = null, minDelta = 0) {
    super();
    if (!["auto", "min", "max"].includes(mode)) {
      console.warn(`${this.constructor.name} mode "${mode}" is unknown, falling back to "auto"`);
      mode = "auto";
    }
    this.monitor = monitor;
    this.mode = mode;
    this.best = baseline;
    this.minDelta = Math.abs(minDelta);
  }

  /** Decides whether bigger or smaller is better (once the model's metrics exist). */
  protected setMonitorOp(): void {
    const less = (a: number, b: number): boolean => a < b;
    const greater = (a: number, b: number): boolean => a > b;
    if (this.mode === "min") this.monitorOp = less;
    else if (this.mode === "max") this.monitorOp = greater;
    else {
      const name = this.monitor.startsWith("val_") ? this.monitor.slice(4) : this.monitor;
      if (name === "loss" || name.endsWith("_loss")) this.monitorOp = less;
      const state = maybeCompiledState(this.model);
      for (const m of state ? modelMetrics(state) : []) {
        if (m.name !== name && !name.endsWith(`_${m.name}`)) continue;
        const d = metricDirection(m);
        if (d) this.monitorOp = d === "up" ? greater : less;
      }
      if (!this.monitorOp)
        throw new Error(
          `${this.constructor.name} got monitor="${this.monitor}", but cannot tell whether that metric should be maximized or minimized; pass mode: "max" or mode: "min"`,
        );
    }
    if (this.monitorOp === less) this.minDelta = -Math.abs(this.minDelta);
    else this.minDelta = Math.abs(this.minDelta);
  }

  /** Whether `value` beats `reference` by more than minDelta (anything beats null). */
  protected isImprovement(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.monitorOp!(value - this.minDelta, reference);
  }
}
