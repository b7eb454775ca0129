// deepts: the public API. Everything not exported here is internal.
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export { type DType, type TypedArray, isFloat } from "./tensor/dtype.js";
export { type Shape, broadcastShapes } from "./tensor/shape.js";
export {
  type TensorLike, tensor, scalar, full, zeros, ones, zerosLike, onesLike, fullLike, arange, linspace, eye, toTensor,
} from "./tensor/create.js";
export {
  Generator, setSeed, randomUniform, randomNormal, truncatedNormal, randomPermutation, type RandomOptions,
} from "./tensor/random.js";

export { Variable } from "./autograd/variable.js";
export { GradientTape, type GradientTapeOptions, type GradientOptions, type Source } from "./autograd/gradient-tape.js";
export { grad, grads, valueAndGrad, valueAndGrads } from "./autograd/grad.js";
export { noGrad } from "./autograd/tape.js";

export { setBackend, getBackend, listBackends, withBackend, registerBackend, type Backend, type Kernels } from "./backends/index.js";

export { cast, identity, stopGradient } from "./ops/cast.js";
export { add, sub, mul, div, neg } from "./ops/arithmetic.js";
export { reshape, expandDims, squeeze } from "./ops/reshape.js";
export { broadcastTo } from "./ops/broadcast.js";
export { sum, mean, type ReduceOptions } from "./ops/reduce.js";
export { matmul, type MatmulOptions } from "./ops/matmul.js";
export { transpose } from "./ops/movement.js";
