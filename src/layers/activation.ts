import type { Tensor } from "../tensor/tensor.js";
import type { SymShape } from "../models/symbolic.js";
import { type ActivationFn, type ActivationId, getActivation, serializeActivation } from "./activation-lookup.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface ActivationArgs extends LayerArgs {
  /** A Keras activation name ("relu", "softmax", ...) or a function. */
  activation: ActivationId;
}

/**
 * Applies an activation function to its input.
 *
 * @example
 * new Activation({ activation: "relu" }).apply(tensor([-1, 2])); // [0, 2]
 */
export class Activation extends Layer {
  static override className = "Activation";
  readonly activation: ActivationFn;

  constructor(args: ActivationArgs) {
    super(args);
    this.activation = getActivation(args?.activation);
  }

  override call(inputs: Tensor): Tensor {
    return this.activation(inputs);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}
registerLayer(Activation);
