// Sum, Mean and MeanMetricWrapper (keras.metrics reduction metrics).
import { noGrad } from "../autograd/tape.js";
import { add, div, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { broadcastTo } from "../ops/broadcast.js";
import { mean, sum } from "../ops/reduce.js";
import { type TensorLike, scalar, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { Metric } from "./metric.js";

type ReduceFn = (x: Tensor, axes: number[]) => Tensor;

/** Keras' reduce_to_samplewise_values: weights applied, then one value (and weight) per sample. */
export function reduceToSamplewiseValues(values: TensorLike, sampleWeight: TensorLike | null | undefined, reduce: ReduceFn): [Tensor, Tensor | null] {
  let v = cast(toTensor(values, "metric"), "float32");
  let w: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    w = cast(toTensor(sampleWeight, "metric", "float32"), "float32");
    [v, w] = squeezeOrExpandToSameRank(v, w);
    if (v.rank > w.rank) v = reduce(v, range(w.rank, v.rank));
    w = broadcastTo(w, v.shape);
    v = mul(v, w);
    if (w.rank > 1) w = reduce(w, range(1, w.rank));
  }
  if (v.rank > 1) v = reduce(v, range(1, v.rank));
  return [v, w];
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** The sum of all values seen. */
export class Sum extends Metric {
  private readonly total = this.addVariable("total");
  constructor(o: { name?: string } = {}) {
    super(o.name ?? "sum");
  }
  /** Adds values with optional weights: updateState(values, sampleWeight?), as Keras' Sum. */
  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    noGrad(() => {
      const [v] = reduceToSamplewiseValues(values, sampleWeight, (x, a) => sum(x, a));
      this.total.assign(add(this.total.value, sum(v)));
    });
  }
  result(): Tensor {
    return this.total.value;
  }
}

/** The (weighted) mean of all values seen: total / count. */
export class Mean extends Metric {
  private readonly total = this.addVariable("total");
  private readonly count = this.addVariable("count");
  constructor(o: { name?: string } = {}) {
    super(o.name ?? "mean");
  }
  /** Adds values with optional weights: updateState(values, sampleWeight?), as Keras' Mean. */
  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    this.addValues(values, sampleWeight ?? null);
  }
  /** Adds per-sample values with optional weights. */
  protected addValues(values: TensorLike, sampleWeight: TensorLike | null): void {
    noGrad(() => {
      const [v, w] = reduceToSamplewiseValues(values, sampleWeight, (x, a) => mean(x, a));
      this.total.assign(add(this.total.value, sum(v)));
      const n = w ? sum(w) : scalar(v.rank >= 1 ? v.shape[0] : 1);
      this.count.assign(add(this.count.value, n));
    });
  }
  result(): Tensor {
    const c = this.count.value.item();
    return c === 0 ? scalar(0) : div(this.total.value, this.count.value);
  }
}

/** A Mean over the per-sample values of `fn(yTrue, yPred)` (Keras' MeanMetricWrapper). */
export class MeanMetricWrapper extends Mean {
  readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor;
  constructor(fn: (yTrue: Tensor, yPred: Tensor) => Tensor, o: { name?: string } = {}) {
    super({ name: o.name ?? (fn.name || "mean_metric_wrapper") });
    this.fn = fn;
  }
  override updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const values = noGrad(() => this.fn(toTensor(yTrue, this.name), toTensor(yPred, this.name)));
    this.addValues(values, sampleWeight ?? null);
  }
}
