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

// Ops, one file per family. Each file exports only public ops; internal helpers live in src/ops/operands.ts.
export * from "./ops/cast.js";
export * from "./ops/arithmetic.js";
export * from "./ops/math.js";
export * from "./ops/activations.js";
export * from "./ops/compare.js";
export * from "./ops/reduce.js";
export * from "./ops/reshape.js";
export * from "./ops/broadcast.js";
export * from "./ops/movement.js";
export * from "./ops/indexing.js";
export * from "./ops/matmul.js";
export * from "./ops/conv.js";
export * from "./ops/pool.js";
export * from "./ops/image.js";
export * from "./ops/norm.js";
export * from "./ops/nn.js";

export * from "./data/index.js";
export * from "./optimizers/index.js";
export * from "./initializers/index.js";
export * from "./regularizers/index.js";
export * from "./constraints/index.js";
export * from "./losses/index.js";
export * from "./metrics/index.js";
export * from "./layers/index.js";
export * from "./models/index.js";
export * from "./training/index.js";
export * from "./io/index.js";
export * from "./applications/index.js";
export * from "./io/images.js";
export * from "./tasks/faces/index.js";
export * from "./tasks/style/index.js";
export * from "./tasks/finetune/index.js";
export * from "./tasks/report/index.js";
