// Internal: the recorded NHWC convolution primitives with resolved geometry. Each one's gradient is
// written with the others, so the whole family is differentiable to any order. Gradients nobody
// needs (e.g. of a network's input image) are skipped.
import { kernels } from "../backends/index.js";
import type { Conv2dParams } from "../backends/backend.js";
import { record } from "../autograd/tape.js";
import type { Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** conv2d on NHWC x and HWIO w. */
export function conv2dNHWC(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  const out = kernels().conv2d(x, w, p);
  return record("conv2d", [x, w], out, ([dy], needs) => [
    needs[0] ? conv2dInputGrad(dy, w, x.shape, p) : null,
    needs[1] ? conv2dFilterGrad(x, dy, w.shape, p) : null,
  ]);
}

/** The input gradient of conv2d (also conv2dTranspose): linear in dy and in w. */
export function conv2dInputGrad(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams): Tensor {
  const out = kernels().conv2dBackpropInput(dy, w, xShape, p);
  return record("conv2dBackpropInput", [dy, w], out, ([g], needs) => [
    needs[0] ? conv2dNHWC(g, w, p) : null,
    needs[1] ? conv2dFilterGrad(g, dy, w.shape, p) : null,
  ]);
}

/** The filter gradient of conv2d: linear in x and in dy. */
export function conv2dFilterGrad(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams): Tensor {
  const out = kernels().conv2dBackpropFilter(x, dy, wShape, p);
  return record("conv2dBackpropFilter", [x, dy], out, ([g], needs) => [
    needs[0] ? conv2dInputGrad(dy, g, x.shape, p) : null,
    needs[1] ? conv2dNHWC(x, g, p) : null,
  ]);
}

/** depthwiseConv2d on NHWC x and [kh, kw, C, multiplier] w. */
export function depthwiseNHWC(x: Tensor, w: Tensor, p: Conv2dParams): Tensor {
  const out = kernels().depthwiseConv2d(x, w, p);
  return record("depthwiseConv2d", [x, w], out, ([dy], needs) => {
    // Both gradients from one kernel (one pass over x and dy), each recorded as its own op.
    if (needs[0] && needs[1]) {
      const [dx, dw] = kernels().depthwiseConv2dBackprop(x, dy, w, p);
      return [depthwiseInputGrad(dy, w, x.shape, p, dx), depthwiseFilterGrad(x, dy, w.shape, p, dw)];
    }
    return [needs[0] ? depthwiseInputGrad(dy, w, x.shape, p) : null, needs[1] ? depthwiseFilterGrad(x, dy, w.shape, p) : null];
  });
}

/** The input gradient of depthwiseConv2d (`out`: its value when already computed). */
export function depthwiseInputGrad(dy: Tensor, w: Tensor, xShape: Shape, p: Conv2dParams, out?: Tensor): Tensor {
  out ??= kernels().depthwiseConv2dBackpropInput(dy, w, xShape, p);
  return record("depthwiseConv2dBackpropInput", [dy, w], out, ([g], needs) => [
    needs[0] ? depthwiseNHWC(g, w, p) : null,
    needs[1] ? depthwiseFilterGrad(g, dy, w.shape, p) : null,
  ]);
}

/** The filter gradient of depthwiseConv2d (`out`: its value when already computed). */
export function depthwiseFilterGrad(x: Tensor, dy: Tensor, wShape: Shape, p: Conv2dParams, out?: Tensor): Tensor {
  out ??= kernels().depthwiseConv2dBackpropFilter(x, dy, wShape, p);
  return record("depthwiseConv2dBackpropFilter", [x, dy], out, ([g], needs) => [
    needs[0] ? depthwiseInputGrad(dy, g, x.shape, p) : null,
    needs[1] ? depthwiseNHWC(x, g, p) : null,
  ]);
}
