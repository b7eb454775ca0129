// Reference kernels of the convolutions with a fused epilogue: the plain kernels composed (conv, bias
// add, activation), so other backends' fused versions are checked against exactly the unfused ops.
import type { Conv2dParams, FusedActivation } from "../backend.js";
import type { Tensor } from "../../tensor/tensor.js";
import { binary, unary } from "./elementwise.js";
import { conv2d, depthwiseConv2d } from "./conv.js";

function epilogue(y: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor {
  const z = bias ? binary("add", y, bias) : y;
  return activation === "linear" ? z : unary(activation, z);
}

/** conv2d(x, w) + bias, then the activation. */
export function conv2dBiasActivation(x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams): Tensor {
  return epilogue(conv2d(x, w, p), bias, activation);
}

/** depthwiseConv2d(x, w) + bias, then the activation. */
export function depthwiseConv2dBiasActivation(
  x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams,
): Tensor {
  return epilogue(depthwiseConv2d(x, w, p), bias, activation);
}
