// Models: symbolic tensors, the functional Model, Sequential and summary().
export { SymbolicTensor, Node, type SymShape, type KerasHistory, fmtSymShape } from "./symbolic.js";
export { Model, type ModelArgs, type PredictOptions } from "./model.js";
export { Sequential, type SequentialArgs } from "./sequential.js";
export { formatSummary, readableMemorySize, type SummaryOptions } from "./summary.js";
