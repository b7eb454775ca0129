import type { Tensor } from "../tensor/tensor.js";
import { lookupKey, readSerialized, type SerializedObject } from "../optimizers/config.js";
import {
  binaryCrossentropy, categoricalCrossentropy, categoricalHinge, hinge, huber, klDivergence, logCosh, poisson,
  sparseCategoricalCrossentropy, squaredHinge,
} from "../losses/functions.js";
import {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy,
} from "./accuracy.js";
import { AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives } from "./confusion.js";
import { Metric } from "./metric.js";
import { Mean, MeanMetricWrapper, Sum } from "./reduction.js";
import {
  CosineSimilarityMetric, LogCoshError, MeanAbsoluteErrorMetric, MeanAbsolutePercentageErrorMetric, MeanSquaredErrorMetric,
  MeanSquaredLogarithmicErrorMetric, RootMeanSquaredError,
} from "./regression.js";

type MetricClass = new (o?: never) => Metric;

/** Metric classes by their Keras class names. */
const CLASSES: Record<string, MetricClass> = {
  Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy, Precision, Recall, AUC, TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
  MeanSquaredError: MeanSquaredErrorMetric, MeanAbsoluteError: MeanAbsoluteErrorMetric,
  MeanAbsolutePercentageError: MeanAbsolutePercentageErrorMetric, MeanSquaredLogarithmicError: MeanSquaredLogarithmicErrorMetric,
  RootMeanSquaredError, LogCoshError, CosineSimilarity: CosineSimilarityMetric,
} as unknown as Record<string, MetricClass>;
const BY_KEY = new Map<string, MetricClass>(Object.entries(CLASSES).map(([k, v]) => [lookupKey(k), v]));
for (const [alias, cls] of [
  ["mse", MeanSquaredErrorMetric], ["mae", MeanAbsoluteErrorMetric], ["mape", MeanAbsolutePercentageErrorMetric],
  ["msle", MeanSquaredLogarithmicErrorMetric], ["acc", Accuracy],
] as const)
  BY_KEY.set(lookupKey(alias), cls as unknown as MetricClass);

/** Loss functions usable as metrics by name (Keras wraps them in a MeanMetricWrapper). */
const FUNCTIONS: Record<string, (t: Tensor, p: Tensor) => Tensor> = {
  binary_crossentropy: binaryCrossentropy, categorical_crossentropy: categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy, hinge, squared_hinge: squaredHinge,
  categorical_hinge: categoricalHinge, kl_divergence: klDivergence, kld: klDivergence, poisson, huber, log_cosh: logCosh,
};
const FN_BY_KEY = new Map(Object.entries(FUNCTIONS).map(([k, v]) => [lookupKey(k), v]));

/** `{className, config}` for a metric. */
export function serializeMetric(m: Metric): SerializedObject {
  return { className: m.className, config: m.getConfig() };
}

export type MetricIdentifier = string | Metric | ((yTrue: Tensor, yPred: Tensor) => Tensor) | { className?: string; class_name?: string; config?: object };

/**
 * A metric from a Keras name ("accuracy", "binary_accuracy", "mse", "auc", "precision", or a loss
 * function's name such as "binary_crossentropy"), a Metric, a per-sample function (averaged), or
 * `{className, config}`. "accuracy" here is exact-match Accuracy; see resolveMetric for compile's choice.
 */
export function getMetric(id: MetricIdentifier): Metric {
  if (id instanceof Metric) return id;
  if (typeof id === "function") return new MeanMetricWrapper(id);
  if (typeof id === "string") {
    const cls = BY_KEY.get(lookupKey(id));
    if (cls) return new cls();
    const fn = FN_BY_KEY.get(lookupKey(id));
    if (fn) return new MeanMetricWrapper(fn, { name: id });
  } else {
    const s = readSerialized(id);
    const cls = s && BY_KEY.get(lookupKey(s.className));
    if (s && cls) return new cls(s.config as never);
  }
  throw new Error(
    `getMetric: unknown metric ${JSON.stringify(id)}; expected a name such as "accuracy", "mse" or "auc", a Metric, a function, or {className, config}`,
  );
}

/** Keras' is_binary_or_sparse_categorical, from the shapes of yTrue and yPred. */
export function binaryOrSparseCategorical(yTrueShape: readonly number[], yPredShape: readonly number[]): { binary: boolean; sparse: boolean } {
  const tLast = yTrueShape[yTrueShape.length - 1];
  const pLast = yPredShape[yPredShape.length - 1];
  return { binary: pLast === 1, sparse: yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1) };
}

/**
 * The metric `compile` makes of an identifier, as Keras does: "accuracy" / "acc" becomes binary,
 * sparse categorical or categorical accuracy by the shapes of yTrue and yPred; a string names the
 * metric after itself.
 *
 * @example
 * resolveMetric("accuracy", [32, 1], [32, 1]); // BinaryAccuracy named "accuracy"
 */
export function resolveMetric(id: MetricIdentifier, yTrueShape: readonly number[], yPredShape: readonly number[]): Metric {
  let m: Metric;
  if (typeof id === "string" && ["accuracy", "acc"].includes(id.toLowerCase())) {
    const { binary, sparse } = binaryOrSparseCategorical(yTrueShape, yPredShape);
    m = binary ? new BinaryAccuracy() : sparse ? new SparseCategoricalAccuracy() : new CategoricalAccuracy();
  } else m = getMetric(id);
  if (typeof id === "string") m.name = id;
  return m;
}
