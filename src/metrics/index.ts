// Metrics (Keras 3's keras.metrics). Regression metric classes whose Keras names are also losses
// carry a Metric suffix here (MeanSquaredErrorMetric); the `metrics` namespace has the Keras names.
export { Metric } from "./metric.js";
export { Sum, Mean, MeanMetricWrapper, reduceToSamplewiseValues } from "./reduction.js";
export {
  accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
} from "./accuracy.js";
export {
  TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC, type AUCOptions, type PrecisionRecallOptions,
} from "./confusion.js";
export {
  MeanSquaredErrorMetric, MeanAbsoluteErrorMetric, MeanAbsolutePercentageErrorMetric, MeanSquaredLogarithmicErrorMetric,
  RootMeanSquaredError, LogCoshError, CosineSimilarityMetric,
} from "./regression.js";
export { getMetric, resolveMetric, binaryOrSparseCategorical, serializeMetric, type MetricIdentifier } from "./get.js";
export * as metrics from "./keras-names.js";
