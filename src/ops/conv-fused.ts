// Internal (not in the public barrel): convolution, bias and relu/relu6 as one recorded op, for the conv
// layers. Forward is the backend's fused kernel (the bias and activation applied while the output is in
// cache, instead of two more full passes); the gradient is written with ops, so higher orders still work.
import { record } from "../autograd/tape.js";
import type { Conv2dParams, FusedActivation } from "../backends/backend.js";
import { kernels } from "../backends/index.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type DataFormat, type Pair, type Padding, conv2dSetup, fromNHWC,
} from "./conv-geometry.js";
import { conv2dFilterGrad, conv2dInputGrad } from "./conv-primitives.js";
import { sum } from "./reduce.js";
import { channelSumsOf } from "./channel-sums-memo.js";
import { reluBackprop } from "./relu-grad.js";

/**
 * act(conv2d(x, w) + bias) on NHWC x and HWIO w, bias [cout] or null. The activation's gradient is taken
 * from the output: y > 0 (and y < 6 for relu6) exactly where the pre-activation is.
 */
export function conv2dBiasActivationNHWC(x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation, p: Conv2dParams): Tensor {
  const y = kernels().conv2dBiasActivation(x, w, bias, activation, p);
  const inputs = bias ? [x, w, bias] : [x, w];
  return record("conv2dBiasActivation", inputs, y, ([dy], needs) => {
    const g = activation === "linear" ? dy : reluBackprop(activation, dy, y);
    const grads = [needs[0] ? conv2dInputGrad(g, w, x.shape, p) : null, needs[1] ? conv2dFilterGrad(x, g, w.shape, p) : null];
    // The per-channel sums a relu-fused batch norm's backprop left with g (its dx), else the reduction.
    if (bias) grads.push(needs[2] ? (channelSumsOf(g, 3) ?? sum(g, [0, 1, 2])) : null);
    return grads;
  });
}

/**
 * conv2d (any layout, as the conv2d op takes its options) + bias + relu/relu6/linear in one recorded op;
 * the layers call it when their bias and activation fit (src/layers/conv2d.ts).
 */
export function conv2dBiasActivation(
  x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedActivation,
  opts: { strides?: Pair; dilations?: Pair; padding?: Padding; dataFormat?: DataFormat },
): Tensor {
  const op = "conv2d";
  const { xs, p, format } = conv2dSetup(op, x, w, opts);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[3] || bias.dtype !== x.dtype))
    throw new RangeError(`${op}: bias must be [${w.shape[3]}] of dtype ${x.dtype}, got ${fmtShape(bias.shape)} ${bias.dtype}`);
  return fromNHWC(conv2dBiasActivationNHWC(xs, w, bias, activation, p), format);
}
