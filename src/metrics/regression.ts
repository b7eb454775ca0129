// Regression metrics (keras.metrics): means of the per-sample regression losses.
import { noGrad } from "../autograd/tape.js";
import { sub } from "../ops/arithmetic.js";
import { sqrt, square } from "../ops/math.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  cosineSimilarity, logCosh, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, meanSquaredLogarithmicError,
} from "../losses/functions.js";
import { squeezeOrExpandToSameRank } from "../losses/reduction.js";
import { Mean, MeanMetricWrapper } from "./reduction.js";
import { neg } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";

/** Mean of squared errors (keras.metrics.MeanSquaredError). */
export class MeanSquaredErrorMetric extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(meanSquaredError, { name: o.name ?? "mean_squared_error" });
  }
}

/** Mean of absolute errors (keras.metrics.MeanAbsoluteError). */
export class MeanAbsoluteErrorMetric extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(meanAbsoluteError, { name: o.name ?? "mean_absolute_error" });
  }
}

/** Mean absolute percentage error (keras.metrics.MeanAbsolutePercentageError). */
export class MeanAbsolutePercentageErrorMetric extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(meanAbsolutePercentageError, { name: o.name ?? "mean_absolute_percentage_error" });
  }
}

/** Mean squared logarithmic error (keras.metrics.MeanSquaredLogarithmicError). */
export class MeanSquaredLogarithmicErrorMetric extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(meanSquaredLogarithmicError, { name: o.name ?? "mean_squared_logarithmic_error" });
  }
}

/** Mean log-cosh error (keras.metrics.LogCoshError). */
export class LogCoshError extends MeanMetricWrapper {
  constructor(o: { name?: string } = {}) {
    super(logCosh, { name: o.name ?? "logcosh" });
  }
}

/** Mean cosine similarity (keras.metrics.CosineSimilarity: +1 for parallel vectors, unlike the loss). */
export class CosineSimilarityMetric extends MeanMetricWrapper {
  readonly axis: number;
  constructor(o: { name?: string; axis?: number } = {}) {
    const axis = o.axis ?? -1;
    super((t, p) => neg(cosineSimilarity(t, p, { axis })), { name: o.name ?? "cosine_similarity" });
    this.axis = axis;
  }
}

/** sqrt of the mean squared error over everything seen (keras.metrics.RootMeanSquaredError). */
export class RootMeanSquaredError extends Mean {
  constructor(o: { name?: string } = {}) {
    super({ name: o.name ?? "root_mean_squared_error" });
  }
  override updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    const errors = noGrad(() => {
      const p = cast(toTensor(yPred as TensorLike, this.name), "float32");
      const [t, q] = squeezeOrExpandToSameRank(cast(toTensor(yTrue, this.name, "float32"), "float32"), p);
      return square(sub(q, t));
    });
    this.addValues(errors, sampleWeight ?? null);
  }
  override result(): Tensor {
    return sqrt(super.result());
  }
}
