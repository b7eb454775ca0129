// Callbacks (keras.callbacks): hooks into fit / evaluate / predict.
export { Callback, CallbackList, type CallbackParams, type HookResult } from "./callback.js";
export { History } from "./history.js";
export { ProgbarLogger, type ProgbarLoggerOptions } from "./progbar-logger.js";
export { MonitorCallback, metricDirection, type MonitorMode } from "./monitor.js";
export { EarlyStopping, type EarlyStoppingOptions } from "./early-stopping.js";
export { ModelCheckpoint, registerCheckpointSaver, type ModelCheckpointOptions, type CheckpointSaver } from "./model-checkpoint.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
export { LearningRateScheduler } from "./learning-rate-scheduler.js";
export { CSVLogger } from "./csv-logger.js";
export { TerminateOnNaN } from "./terminate-on-nan.js";
export { LambdaCallback, type LambdaCallbackOptions } from "./lambda-callback.js";
