// Weight initializers (Keras 3's keras.initializers).
export { Initializer, computeFans } from "./initializer.js";
export { Constant, Zeros, Ones, Identity } from "./constant.js";
export {
  RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform,
  LecunNormal, Orthogonal, type SeedOptions, type VarianceScalingOptions, type FanMode, type VarianceDistribution,
} from "./random.js";
export { getInitializer, serializeInitializer } from "./get.js";
