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

/** The reference backend prepares nothing. */
export function packConv2dFilter(): null {
  return null;
}
