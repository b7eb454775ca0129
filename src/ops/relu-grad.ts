import { kernels } from "../backends/index.js";
import { record } from "../autograd/tape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * relu's (or relu6's) gradient as one op: dy where x > 0 (and x < 6 for relu6), else 0. Its own
 * gradient masks the incoming one the same way (it is linear in dy) and is 0 for x (the mask is
 * piecewise constant), so higher-order gradients keep working.
 */
export function reluBackprop(op: "relu" | "relu6", dy: Tensor, x: Tensor): Tensor {
  const out = kernels().reluBackprop(op, dy, x);
  return record("reluBackprop", [dy, x], out, ([g]) => [reluBackprop(op, g, x), null]);
}
