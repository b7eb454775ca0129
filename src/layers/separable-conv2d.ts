import type { Tensor } from "../tensor/tensor.js";
import { conv2d, depthwiseConv2d } from "../ops/conv.js";
import type { SymShape } from "../models/symbolic.js";
import { ConvBase, type ConvBaseArgs } from "./conv-base.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface SeparableConv2DArgs extends ConvBaseArgs {
  /** Number of output channels (of the pointwise 1x1 convolution). */
  filters: number;
  /** Depthwise output channels per input channel; default 1. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerId;
  pointwiseInitializer?: InitializerId;
  depthwiseRegularizer?: RegularizerId | null;
  pointwiseRegularizer?: RegularizerId | null;
  depthwiseConstraint?: ConstraintId | null;
  pointwiseConstraint?: ConstraintId | null;
}

/**
 * Depthwise separable 2-D convolution: a depthwise convolution (weight "depthwise_kernel"
 * [kh, kw, inChannels, depthMultiplier]) followed by a 1x1 convolution ("pointwise_kernel"
 * [1, 1, inChannels * depthMultiplier, filters]), then bias and activation.
 *
 * @example
 * new SeparableConv2D({ filters: 8, kernelSize: 3 }).apply(zeros([1, 8, 8, 4])); // [1, 6, 6, 8]
 */
export class SeparableConv2D extends ConvBase {
  static override className = "SeparableConv2D";
  readonly filters: number;
  readonly depthMultiplier: number;
  private readonly depthwiseInitializer;
  private readonly pointwiseInitializer;
  private readonly depthwiseRegularizer;
  private readonly pointwiseRegularizer;
  private readonly depthwiseConstraint;
  private readonly pointwiseConstraint;
  depthwiseKernel: LayerWeight | null = null;
  pointwiseKernel: LayerWeight | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args, { stridesWithDilation: true });
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new Error(`${this.label}: filters must be a positive integer, got ${String(args.filters)}`);
    this.filters = args.filters;
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1)
      throw new Error(`${this.label}: depthMultiplier must be a positive integer, got ${String(args.depthMultiplier)}`);
    this.depthwiseInitializer = resolveInitializer(args.depthwiseInitializer ?? "glorot_uniform");
    this.pointwiseInitializer = resolveInitializer(args.pointwiseInitializer ?? "glorot_uniform");
    this.depthwiseRegularizer = resolveRegularizer(args.depthwiseRegularizer);
    this.pointwiseRegularizer = resolveRegularizer(args.pointwiseRegularizer);
    this.depthwiseConstraint = resolveConstraint(args.depthwiseConstraint);
    this.pointwiseConstraint = resolveConstraint(args.pointwiseConstraint);
  }

  override build(inputShape: SymShape): void {
    const c = this.inputChannelsOf(inputShape);
    this.convOutputShape(inputShape, this.filters);
    this.depthwiseKernel = this.addWeight("depthwise_kernel", [...this.kernelSize, c, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
    this.pointwiseKernel = this.addWeight("pointwise_kernel", [1, 1, c * this.depthMultiplier, this.filters], {
      initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint,
    });
    this.buildBias(this.filters);
  }

  override call(inputs: Tensor): Tensor {
    const d = depthwiseConv2d(inputs, this.depthwiseKernel!, this.convOptions());
    return this.finish(conv2d(d, this.pointwiseKernel!, { dataFormat: this.dataFormat }));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return this.convOutputShape(inputShape, this.filters);
  }

  override getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeObject(this.depthwiseInitializer),
      pointwiseInitializer: serializeObject(this.pointwiseInitializer),
      depthwiseRegularizer: serializeObject(this.depthwiseRegularizer),
      pointwiseRegularizer: serializeObject(this.pointwiseRegularizer),
      depthwiseConstraint: serializeObject(this.depthwiseConstraint),
      pointwiseConstraint: serializeObject(this.pointwiseConstraint),
    };
  }
}
registerLayer(SeparableConv2D);
