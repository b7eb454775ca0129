// Keras activation names ("relu", "softmax", ...) mapped to the activation ops.
import type { Tensor } from "../tensor/tensor.js";
import {
  elu, gelu, hardSigmoid, hardSilu, leakyRelu, logSoftmax, mish, relu, relu6, selu, sigmoid, silu, softmax, softplus, softsign, tanh,
} from "../ops/activations.js";
import { exp } from "../ops/math.js";

/** An activation: a function of one tensor. */
export type ActivationFn = (x: Tensor) => Tensor;

/** An activation given by Keras name or as a function (null / undefined: linear). */
export type ActivationId = string | ActivationFn | null | undefined;

function linear(x: Tensor): Tensor {
  return x;
}

const BY_NAME: Record<string, ActivationFn> = {
  linear,
  relu: (x) => relu(x),
  relu6: (x) => relu6(x),
  elu: (x) => elu(x),
  selu: (x) => selu(x),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  softmax: (x) => softmax(x, -1),
  log_softmax: (x) => logSoftmax(x, -1),
  softplus: (x) => softplus(x),
  softsign: (x) => softsign(x),
  silu: (x) => silu(x),
  swish: (x) => silu(x),
  gelu: (x) => gelu(x),
  hard_sigmoid: (x) => hardSigmoid(x),
  hard_silu: (x) => hardSilu(x),
  hard_swish: (x) => hardSilu(x),
  leaky_relu: (x) => leakyRelu(x, 0.2),
  mish: (x) => mish(x),
  exponential: (x) => exp(x),
};

const NAME_OF = new Map<ActivationFn, string>(Object.entries(BY_NAME).map(([k, f]) => [f, k]));

/** "hardSigmoid" / "HardSigmoid" / "hard_sigmoid" all name the same activation. */
function normalize(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * The activation function for a Keras name ("relu", "softmax", "leaky_relu", ...) or a function (returned as is).
 *
 * @example
 * getActivation("relu")(tensor([-1, 2])); // [0, 2]
 */
export function getActivation(id: ActivationId): ActivationFn {
  if (id === null || id === undefined) return linear;
  if (typeof id === "function") return id;
  const f = BY_NAME[normalize(id)];
  if (!f) throw new Error(`unknown activation "${id}"; expected one of ${Object.keys(BY_NAME).join(", ")}, or a function`);
  return f;
}

/** The Keras name of an activation (a custom function: its JavaScript name), for getConfig. */
export function serializeActivation(f: ActivationFn): string {
  return NAME_OF.get(f) ?? (f.name || "custom_activation");
}

/** The Keras activation names known to getActivation. */
export function activationNames(): string[] {
  return Object.keys(BY_NAME);
}
