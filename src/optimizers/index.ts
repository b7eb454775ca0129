// Optimizers and learning-rate schedules (Keras 3 semantics).
export * from "./schedules.js";
export { Optimizer, type OptimizerOptions, type GradientPair, zip } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { Adadelta, type AdadeltaOptions } from "./adadelta.js";
export { Adamax, type AdamaxOptions } from "./adamax.js";
export { Nadam, type NadamOptions } from "./nadam.js";
export { getOptimizer, serializeOptimizer } from "./get.js";
