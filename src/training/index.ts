// Training (Keras 3's compile / fit / evaluate / predict and callbacks), kept apart from the model graph.
export { compileModel, type CompileOptions, type CompiledState, outputNames } from "./compile.js";
export { CompileLoss, type LossIdentifier, type LossSpec, type LossWeightsSpec } from "./compile-loss.js";
export { CompileMetrics, type MetricsSpec } from "./compile-metrics.js";
export { fitModel, type FitOptions, type ValidationData } from "./fit.js";
export {
  evaluateModel, trainOnBatch, testOnBatch, predictOnBatch, isDataset, type EvaluateOptions, type OnBatchOptions, type Verbosity,
} from "./evaluate.js";
export { trainStep, testStep, predictStep, computeLoss } from "./step.js";
export { type Dataset, type DatasetElement, type TensorData, type NamedTensorData, classWeightToSampleWeights } from "./data.js";
export { type Logs } from "./logs.js";
export { Progbar, type ProgbarOptions, type ProgressStream } from "./progbar.js";
export { formatPy, formatTemplate } from "./pyformat.js";
export { saveCheckpoint, loadCheckpoint, encodeCheckpoint, decodeCheckpoint, type CheckpointHeader } from "./checkpoint-format.js";
export * from "./callbacks/index.js";
