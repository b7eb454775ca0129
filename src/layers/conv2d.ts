import type { Tensor } from "../tensor/tensor.js";
import { conv2d } from "../ops/conv.js";
import { conv2dBiasActivation } from "../ops/conv-fused.js";
import { toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { concat, split } from "../ops/movement.js";
import type { SymShape } from "../models/symbolic.js";
import { ConvBase, type ConvBaseArgs } from "./conv-base.js";
import { channelAxis } from "./conv-utils.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface Conv2DArgs extends ConvBaseArgs {
  /** Number of output channels. */
  filters: number;
  /** Split input and output channels into this many independent groups (both must divide evenly). Default 1. */
  groups?: number;
  kernelInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId | null;
  kernelConstraint?: ConstraintId | null;
}

/**
 * 2-D convolution: `activation(conv2d(x, kernel) + bias)` with kernel [kh, kw, inChannels / groups, filters].
 *
 * @example
 * new Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" }).apply(zeros([8, 32, 32, 3])); // [8, 32, 32, 16]
 */
export class Conv2D extends ConvBase {
  static override className = "Conv2D";
  readonly filters: number;
  readonly groups: number;
  private readonly kernelInitializer;
  private readonly kernelRegularizer;
  private readonly kernelConstraint;
  kernel: LayerWeight | null = null;

  constructor(args: Conv2DArgs) {
    super(args, { stridesWithDilation: false });
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new Error(`${this.label}: filters must be a positive integer, got ${String(args.filters)}`);
    this.filters = args.filters;
    this.groups = args.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1)
      throw new Error(`${this.label}: groups must be a positive integer, got ${String(args.groups)}`);
    if (this.filters % this.groups !== 0)
      throw new Error(`${this.label}: filters (${this.filters}) must be divisible by groups (${this.groups})`);
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? "glorot_uniform");
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint);
  }

  override build(inputShape: SymShape): void {
    const c = this.inputChannelsOf(inputShape);
    if (c % this.groups !== 0)
      throw new Error(`${this.label}: the input's ${c} channels must be divisible by groups (${this.groups})`);
    this.convOutputShape(inputShape, this.filters);
    this.kernel = this.addWeight("kernel", [...this.kernelSize, c / this.groups, this.filters], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    this.buildBias(this.filters);
  }

  override call(inputs: Tensor): Tensor {
    const opts = this.convOptions();
    if (this.groups === 1) {
      // Bias and relu/relu6 go into the convolution's output write (one recorded op, gradient with ops).
      const act = this.fusedActivation();
      const w = toTensor(this.kernel!, this.label);
      const b = this.bias ? toTensor(this.bias, this.label) : null;
      if (act !== null && (b !== null || act !== "linear") && isFloat(inputs.dtype) && w.dtype === inputs.dtype && (b === null || b.dtype === inputs.dtype))
        return conv2dBiasActivation(inputs, w, b, act, opts);
      return this.finish(conv2d(inputs, w, opts));
    }
    // Grouped: each group of input channels has its own slice of filters.
    const axis = channelAxis(this.dataFormat);
    const xs = split(inputs, this.groups, axis);
    const ws = split(this.kernel!, this.groups, 3);
    return this.finish(concat(xs.map((x, g) => conv2d(x, ws[g], opts)), axis));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return this.convOutputShape(inputShape, this.filters);
  }

  override getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      groups: this.groups,
      kernelInitializer: serializeObject(this.kernelInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      kernelConstraint: serializeObject(this.kernelConstraint),
    };
  }
}
registerLayer(Conv2D);
