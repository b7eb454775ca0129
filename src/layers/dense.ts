import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import { matmul } from "../ops/matmul.js";
import type { SymShape } from "../models/symbolic.js";
import { fmtSymShape } from "../models/symbolic.js";
import { type ActivationFn, type ActivationId, getActivation, serializeActivation } from "./activation-lookup.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationId;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId | null;
  biasRegularizer?: RegularizerId | null;
  kernelConstraint?: ConstraintId | null;
  biasConstraint?: ConstraintId | null;
}

/**
 * Fully connected layer: `activation(x · kernel + bias)` over the last axis (any rank >= 2, as Keras).
 *
 * @example
 * new Dense({ units: 10, activation: "softmax" }).apply(randomNormal([8, 64])); // [8, 10]
 */
export class Dense extends Layer {
  static override className = "Dense";
  readonly units: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  private readonly kernelInitializer;
  private readonly biasInitializer;
  private readonly kernelRegularizer;
  private readonly biasRegularizer;
  private readonly kernelConstraint;
  private readonly biasConstraint;
  kernel: LayerWeight | null = null;
  bias: LayerWeight | null = null;

  constructor(args: DenseArgs) {
    super(args);
    if (!Number.isInteger(args?.units) || args.units < 1)
      throw new Error(`${this.label}: units must be a positive integer, got ${String(args?.units)}`);
    this.units = args.units;
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? "glorot_uniform");
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? "zeros");
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer);
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint);
    this.biasConstraint = resolveConstraint(args.biasConstraint);
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: SymShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim === null || inputDim === undefined)
      throw new Error(`${this.label}: the last dimension of the input must be known, got ${fmtSymShape(inputShape)}`);
    this.kernel = this.addWeight("kernel", [inputDim, this.units], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias)
      this.bias = this.addWeight("bias", [this.units], {
        initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: Tensor): Tensor {
    let y = matmul(inputs, this.kernel!);
    if (this.bias) y = add(y, this.bias);
    return this.activation(y);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      biasRegularizer: serializeObject(this.biasRegularizer),
      kernelConstraint: serializeObject(this.kernelConstraint),
      biasConstraint: serializeObject(this.biasConstraint),
    };
  }
}
registerLayer(Dense);
