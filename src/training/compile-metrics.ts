// Keras' CompileMetrics: the metrics of each output, resolved on the first batch, named as Keras names them.
import { type MetricIdentifier, resolveMetric } from "../metrics/get.js";
import { Metric } from "../metrics/metric.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Logs } from "./logs.js";

/** Metrics for every output (single-output models), a list with one entry per output, or a record by output name. */
export type MetricsSpec =
  | readonly MetricIdentifier[]
  | readonly (MetricIdentifier | readonly MetricIdentifier[] | null)[]
  | Record<string, MetricIdentifier | readonly MetricIdentifier[] | null>;

interface MetricList {
  /** Output name prefixed to metric names (multi-output models only). */
  outputName: string | null;
  metrics: Metric[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Metric) && !("className" in x) && !("class_name" in x);
}

function asList(x: MetricIdentifier | readonly MetricIdentifier[] | null | undefined): MetricIdentifier[] {
  if (x === null || x === undefined) return [];
  return Array.isArray(x) ? [...x] : [x as MetricIdentifier];
}

/**
 * The compiled metrics (`metrics`, updated without sample weights) and weighted metrics (`weightedMetrics`,
 * with them). Built on the first batch: "accuracy" becomes binary / sparse / categorical accuracy by shapes.
 */
export class CompileMetrics {
  private flat: (MetricList | null)[] | null = null;
  private flatWeighted: (MetricList | null)[] | null = null;

  constructor(
    readonly spec: MetricsSpec | null,
    readonly weightedSpec: MetricsSpec | null,
    readonly outputNames: readonly string[],
  ) {
    for (const [what, s] of [["metrics", spec], ["weightedMetrics", weightedSpec]] as const) {
      if (s === null) continue;
      if (isRecord(s)) {
        const unknown = Object.keys(s).filter((k) => !outputNames.includes(k));
        if (unknown.length > 0)
          throw new Error(`compile: ${what} names ${unknown.join(", ")}, not among the outputs ${outputNames.join(", ")}`);
      } else if (!Array.isArray(s))
        throw new TypeError(`compile: ${what} must be a list (or a record by output name), got ${String(s)}`);
    }
  }

  /** Every metric object, unweighted first (empty until built). */
  get metrics(): Metric[] {
    const out: Metric[] = [];
    for (const l of [...(this.flat ?? []), ...(this.flatWeighted ?? [])]) if (l) out.push(...l.metrics);
    return out;
  }

  get built(): boolean {
    return this.flat !== null;
  }

  private buildSet(spec: MetricsSpec | null, yTrue: Tensor[], yPred: Tensor[], what: string): (MetricList | null)[] {
    const n = yPred.length;
    if (spec === null || (Array.isArray(spec) && spec.length === 0)) return new Array<null>(n).fill(null);
    const make = (ids: MetricIdentifier[], i: number, outputName: string | null): MetricList | null =>
      ids.length === 0 ? null : { outputName, metrics: ids.map((id) => resolveMetric(id, yTrue[i].shape, yPred[i].shape)) };
    if (n === 1) {
      const ids = isRecord(spec) ? Object.values(spec).flatMap((v) => asList(v as MetricIdentifier)) : (spec as unknown[]).flatMap((v) => asList(v as MetricIdentifier));
      return [make(ids, 0, null)];
    }
    if (isRecord(spec)) return this.outputNames.map((name, i) => make(asList(spec[name] as MetricIdentifier), i, name));
    const list = spec as readonly (MetricIdentifier | readonly MetricIdentifier[] | null)[];
    if (list.length !== n)
      throw new Error(
        `compile: with ${n} outputs (${this.outputNames.join(", ")}), ${what} must have one entry (a metric, a list or null) per output, or be a record by output name; got a list of ${list.length}`,
      );
    return list.map((m, i) => make(asList(m), i, this.outputNames[i]));
  }

  /** Updates every metric with a batch (weighted metrics with `sampleWeight`). */
  updateState(yTrue: Tensor[], yPred: Tensor[], sampleWeight: (Tensor | null)[] | null): void {
    if (!this.flat) {
      this.flat = this.buildSet(this.spec, yTrue, yPred, "metrics");
      this.flatWeighted = this.buildSet(this.weightedSpec, yTrue, yPred, "weightedMetrics");
    }
    this.flat.forEach((l, i) => l?.metrics.forEach((m) => m.updateState(yTrue[i], yPred[i])));
    this.flatWeighted!.forEach((l, i) => {
      const sw = sampleWeight ? (sampleWeight[i] ?? sampleWeight[0] ?? null) : null;
      l?.metrics.forEach((m) => m.updateState(yTrue[i], yPred[i], sw));
    });
  }

  resetState(): void {
    for (const m of this.metrics) m.resetState();
  }

  /** Results by Keras' names: "<output>_<metric>" for multi-output models, "weighted_" on clashes. */
  result(): Logs {
    const out: Logs = {};
    const counts = new Map<string, number>();
    for (const l of this.flat ?? [])
      for (const m of l?.metrics ?? []) {
        let name = l!.outputName ? `${l!.outputName}_${m.name}` : m.name;
        const c = counts.get(name);
        if (c === undefined) counts.set(name, 1);
        else {
          counts.set(name, c + 1);
          name = `${name}_${c}`;
        }
        out[name] = m.result().item();
      }
    for (const l of this.flatWeighted ?? [])
      for (const m of l?.metrics ?? []) {
        let name = l!.outputName ? `${l!.outputName}_${m.name}` : m.name;
        if (!counts.has(name)) counts.set(name, 1);
        else {
          name = l!.outputName ? `${l!.outputName}_weighted_${m.name}` : `weighted_${m.name}`;
          const c = counts.get(name);
          if (c === undefined) counts.set(name, 1);
          else {
            counts.set(name, c + 1);
            name = `${name}_${c}`;
          }
        }
        out[name] = m.result().item();
      }
    return out;
  }
}
