// Optimizers and learning-rate schedules (Keras 3 semantics).
export * from "./schedules.js";
