// Losses (Keras 3's keras.losses): per-sample functions, Loss classes with reduction, getLoss.
export * from "./functions.js";
export * from "./losses.js";
export { type Reduction, reduceWeightedValues, squeezeOrExpandToSameRank } from "./reduction.js";
export { rememberLogits, logitsOf } from "../ops/logits-memo.js";
export { getLoss, resolveLoss, serializeLoss } from "./get.js";
