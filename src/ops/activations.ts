import { record } from "../autograd/tape.js";
import { kernels } from "../backends/index.js";
import { type TensorLike } from "../tensor/create.js";
import { keptShape, normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, minimum, mul, sub } from "./arithmetic.js";
import { greater, less, where } from "./compare.js";
import { abs, erfc, exp, expm1, log, square } from "./math.js";
import { sum } from "./reduce.js";
import { reshape } from "./reshape.js";
import { floatInput, numericInput, unaryOp } from "./unary.js";
import { rememberLogits } from "./logits-memo.js";
import { reluBackprop } from "./relu-grad.js";

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** max(x, 0); the gradient at 0 is 0, as in TensorFlow. */
export function relu(x: TensorLike): Tensor {
  return unaryOp("relu", "relu", numericInput("relu", x), (dy, t) => reluBackprop("relu", dy, t));
}

/** min(max(x, 0), 6); the gradient is 1 only strictly inside (0, 6), as in TensorFlow. */
export function relu6(x: TensorLike): Tensor {
  return unaryOp("relu6", "relu6", numericInput("relu6", x), (dy, t) => reluBackprop("relu6", dy, t));
}

/** x where x > 0, alpha * x elsewhere (tf.nn.leaky_relu; alpha defaults to 0.2 as there and in Keras). */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  const t = floatInput("leakyRelu", x);
  return where(greater(t, 0), t, mul(t, alpha));
}

/** x where x > 0, alpha * (e^x - 1) elsewhere (keras.activations.elu). */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = floatInput("elu", x);
  // expm1 of min(x, 0): the unused branch must not overflow, or its zero gradient would become 0 * inf.
  return where(greater(t, 0), t, mul(expm1(minimum(t, 0)), alpha));
}

/** Scaled ELU with the self-normalizing constants (tf.nn.selu); gradient at 0 is the scale, as in TF. */
export function selu(x: TensorLike): Tensor {
  const t = floatInput("selu", x);
  return mul(where(less(t, 0), mul(expm1(minimum(t, 0)), SELU_ALPHA), t), SELU_SCALE);
}

export interface GeluOptions {
  /** Use the tanh approximation instead of the exact erf form (default false, as keras.activations.gelu). */
  approximate?: boolean;
}

/** Gaussian error linear unit: x * P(X <= x) for X ~ N(0, 1), exact (erfc form, as tf.nn.gelu) or tanh-approximated. */
export function gelu(x: TensorLike, opts: GeluOptions = {}): Tensor {
  const t = floatInput("gelu", x);
  if (opts.approximate) {
    const inner = mul(add(t, mul(mul(square(t), t), 0.044715)), 0.7978845608028654);
    return mul(mul(t, 0.5), add(tanh(inner), 1));
  }
  // erfc(-x/sqrt2) rather than 1 + erf(x/sqrt2): keeps the relative precision for large negative x.
  return mul(mul(t, 0.5), erfc(mul(t, -Math.SQRT1_2)));
}

/** 1 / (1 + e^-x), computed without overflow in either tail. */
export function sigmoid(x: TensorLike): Tensor {
  const t = floatInput("sigmoid", x);
  const out = unaryOp("sigmoid", "sigmoid", t, (dy, _t, o) => mul(dy, mul(o, sub(1, o))));
  return rememberLogits(out, t, "sigmoid");
}

/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unaryOp("tanh", "tanh", floatInput("tanh", x), (dy, _t, out) => mul(dy, sub(1, square(out))));
}

/** log(1 + e^x), computed without overflow. */
export function softplus(x: TensorLike): Tensor {
  return unaryOp("softplus", "softplus", floatInput("softplus", x), (dy, t) => mul(dy, sigmoid(t)));
}

/** x / (1 + |x|). */
export function softsign(x: TensorLike): Tensor {
  return unaryOp("softsign", "softsign", floatInput("softsign", x), (dy, t) => div(dy, square(add(abs(t), 1))));
}

/** relu6(x + 3) / 6: the Keras 3 hard sigmoid (0 below -3, 1 above 3). */
export function hardSigmoid(x: TensorLike): Tensor {
  return div(relu6(add(floatInput("hardSigmoid", x), 3)), 6);
}

/** x * hardSigmoid(x) (keras.activations.hard_silu, also called hard swish). */
export function hardSwish(x: TensorLike): Tensor {
  const t = floatInput("hardSwish", x);
  return mul(t, hardSigmoid(t));
}

/** Alias of hardSwish, under its Keras 3 name. */
export const hardSilu = hardSwish;

/** x * sigmoid(x) (keras.activations.silu, also called swish). */
export function silu(x: TensorLike): Tensor {
  const t = floatInput("silu", x);
  return mul(t, sigmoid(t));
}

/** Alias of silu. */
export const swish = silu;

/** x * tanh(softplus(x)). */
export function mish(x: TensorLike): Tensor {
  const t = floatInput("mish", x);
  return mul(t, tanh(softplus(t)));
}

function softmaxAxis(op: string, t: Tensor, axis: number): number {
  if (t.rank === 0) throw new RangeError(`${op}: expected a tensor of rank >= 1, got a scalar`);
  return normalizeAxis(op, axis, t.rank);
}

/** x minus its maximum along `axis` (kept), held constant: the shift that makes exp safe. */
function shiftByMax(t: Tensor, ax: number): Tensor {
  // A raw kernel call is not recorded, so the shift carries no gradient (softmax is shift-invariant).
  const m = reshape(kernels().reduce("max", t, [ax]), keptShape(t.shape, [ax]));
  return sub(t, m);
}

/** e^x / sum(e^x) along `axis` (default last), stable for large logits. */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = floatInput("softmax", x);
  const ax = softmaxAxis("softmax", t, axis);
  let out: Tensor;
  if (ax === t.rank - 1) {
    // One kernel over the last axis; gradient y * (dy - sum(dy * y)), written with ops.
    const y = kernels().softmax(t, false);
    out = record("softmax", [t], y, ([dy]) => [mul(y, sub(dy, sum(mul(dy, y), ax, { keepDims: true })))]);
  } else {
    const s = shiftByMax(t, ax);
    const e = exp(s);
    out = div(e, sum(e, ax, { keepDims: true }));
  }
  // Keras' crossentropy losses read the logits of a last-axis softmax output (stable, unclipped).
  return ax === t.rank - 1 ? rememberLogits(out, t, "softmax") : out;
}

/** log(softmax(x)) along `axis` (default last), computed as x - max - log(sum(e^(x - max))). */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = floatInput("logSoftmax", x);
  const ax = softmaxAxis("logSoftmax", t, axis);
  if (ax === t.rank - 1) {
    // One kernel over the last axis; gradient dy - softmax * sum(dy), written with ops.
    const y = kernels().softmax(t, true);
    return record("logSoftmax", [t], y, ([dy]) => [sub(dy, mul(exp(y), sum(dy, ax, { keepDims: true })))]);
  }
  const s = shiftByMax(t, ax);
  return sub(s, log(sum(exp(s), ax, { keepDims: true })));
}
