import type { Tensor } from "../tensor/tensor.js";
import { depthwiseConv2d } from "../ops/conv.js";
import type { SymShape } from "../models/symbolic.js";
import { ConvBase, type ConvBaseArgs } from "./conv-base.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface DepthwiseConv2DArgs extends ConvBaseArgs {
  /** Output channels per input channel (default 1): output channels = inChannels * depthMultiplier. */
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerId;
  depthwiseRegularizer?: RegularizerId | null;
  depthwiseConstraint?: ConstraintId | null;
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own `depthMultiplier` filters;
 * weight "kernel" [kh, kw, inChannels, depthMultiplier], output channel c * depthMultiplier + m.
 *
 * @example
 * new DepthwiseConv2D({ kernelSize: 3, padding: "same" }).apply(zeros([1, 8, 8, 4])); // [1, 8, 8, 4]
 */
export class DepthwiseConv2D extends ConvBase {
  static override className = "DepthwiseConv2D";
  readonly depthMultiplier: number;
  private readonly depthwiseInitializer;
  private readonly depthwiseRegularizer;
  private readonly depthwiseConstraint;
  kernel: LayerWeight | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(args, { stridesWithDilation: true });
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1)
      throw new Error(`${this.label}: depthMultiplier must be a positive integer, got ${String(args.depthMultiplier)}`);
    this.depthwiseInitializer = resolveInitializer(args.depthwiseInitializer ?? "glorot_uniform");
    this.depthwiseRegularizer = resolveRegularizer(args.depthwiseRegularizer);
    this.depthwiseConstraint = resolveConstraint(args.depthwiseConstraint);
  }

  override build(inputShape: SymShape): void {
    const c = this.inputChannelsOf(inputShape);
    this.convOutputShape(inputShape, c * this.depthMultiplier);
    this.kernel = this.addWeight("kernel", [...this.kernelSize, c, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
    this.buildBias(c * this.depthMultiplier);
  }

  override call(inputs: Tensor): Tensor {
    return this.finish(depthwiseConv2d(inputs, this.kernel!, this.convOptions()));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const c = inputShape[this.dataFormat === "channelsFirst" ? 1 : 3];
    return this.convOutputShape(inputShape, c === null ? null : c * this.depthMultiplier);
  }

  override getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeObject(this.depthwiseInitializer),
      depthwiseRegularizer: serializeObject(this.depthwiseRegularizer),
      depthwiseConstraint: serializeObject(this.depthwiseConstraint),
    };
  }
}
registerLayer(DepthwiseConv2D);
