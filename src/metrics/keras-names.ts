// The metric classes under their exact Keras names, for `metrics.MeanSquaredError` and friends.
export { Metric } from "./metric.js";
export { Sum, Mean, MeanMetricWrapper } from "./reduction.js";
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
} from "./accuracy.js";
export { TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall, AUC } from "./confusion.js";
export {
  MeanSquaredErrorMetric as MeanSquaredError, MeanAbsoluteErrorMetric as MeanAbsoluteError,
  MeanAbsolutePercentageErrorMetric as MeanAbsolutePercentageError, MeanSquaredLogarithmicErrorMetric as MeanSquaredLogarithmicError,
  RootMeanSquaredError, LogCoshError, CosineSimilarityMetric as CosineSimilarity,
} from "./regression.js";
export { getMetric as get } from "./get.js";
