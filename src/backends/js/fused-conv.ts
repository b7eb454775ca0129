// Reference kernels of the convolutions with a fused epilogue: the plain kernels composed (conv, bias
// add, activation), so other backends' fused versions are checked against exactly the unfused ops.
import type { Conv2dParams, FusedActivation } from "../backend.js";
import { Tensor } from "../../tensor/tensor.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { binary, unary } from "./elementwise.js";
import { conv2d, depthwiseConv2d } from "./conv.js";

function epilogue(y: Tensor, bias: Tensor | null, activation: FusedActivation, out: TypedArray | undefined, residual: Tensor | null = null): Tensor {
  const b = bias ? binary("add", y, bias) : y;
  const z = residual ? binary("add", b, residual) : b;
  const r = activation === "linear" ? z : unary(activation, z);
  if (!out) return r;
  if (out.length !== r.size || out.constructor !== r.values.constructor) {
    throw new RangeError(`conv2dBiasActivation: out holds ${out.length} ${out.constructor.name} values, the output needs ${r.size} ${r.dtype}`);
  }
  out.set(r.values);
  return new Tensor(out, r.shape, r.dtype);
}

/** conv2d(x, w) + bias (+ residual, of the output's shape), then the activation. */
export function conv2dBiasActivation(
  x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams, out?: TypedArray, _packed?: unknown,
  residual?: Tensor | null,
): Tensor {
  const y = conv2d(x, w, p);
  if (residual && (residual.rank !== y.rank || residual.shape.some((d, i) => d !== y.shape[i]))) {
    throw new RangeError(`conv2dBiasActivation: the residual has shape [${residual.shape}], the output [${y.shape}]`);
  }
  return epilogue(y, bias, activation, out, residual ?? null);
}

/** depthwiseConv2d(x, w) + bias, then the activation. */
export function depthwiseConv2dBiasActivation(
  x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams, out?: TypedArray,
): Tensor {
  return epilogue(depthwiseConv2d(x, w, p), bias, activation, out);
}

/** The 1x1 convolution, then the depthwise one, each with its epilogue. */
export function expandDepthwise(
  x: Tensor, w1: Tensor, bias1: Tensor | null, act1: FusedActivation, _packed1: unknown,
  w2: Tensor, bias2: Tensor | null, act2: FusedActivation, p: Conv2dParams, out?: TypedArray,
): Tensor {
  const one: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };
  return depthwiseConv2dBiasActivation(conv2dBiasActivation(x, w1, bias1, act1, one), w2, bias2, act2, p, out);
}

/** The reference backend prepares nothing. */
export function packConv2dFilter(): null {
  return null;
}
