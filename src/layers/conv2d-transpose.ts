import type { Tensor } from "../tensor/tensor.js";
import { conv2dTranspose } from "../ops/conv.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { ConvBase, type ConvBaseArgs } from "./conv-base.js";
import { type IntPair, intPair, spatialAxes, transposeOutputLength, withSpatial } from "./conv-utils.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface Conv2DTransposeArgs extends ConvBaseArgs {
  /** Number of output channels. */
  filters: number;
  /** Extra rows / columns added to the output (each less than its stride); default none (Keras' rule). */
  outputPadding?: IntPair | null;
  kernelInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId | null;
  kernelConstraint?: ConstraintId | null;
}

/**
 * Transposed 2-D convolution ("deconvolution"), the gradient of a Conv2D with respect to its input:
 * kernel [kh, kw, filters, inChannels]. Output size per axis, as Keras: "same": in * stride;
 * "valid": (in - 1) * stride + k + max(stride - k, 0); with outputPadding p: (in - 1) * stride + k + p
 * ("valid") or (in - 1) * stride + k % 2 + p ("same").
 *
 * @example
 * new Conv2DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: "same" }).apply(zeros([1, 4, 4, 16])); // [1, 8, 8, 8]
 */
export class Conv2DTranspose extends ConvBase {
  static override className = "Conv2DTranspose";
  readonly filters: number;
  readonly outputPadding: [number, number] | null;
  private readonly kernelInitializer;
  private readonly kernelRegularizer;
  private readonly kernelConstraint;
  kernel: LayerWeight | null = null;

  constructor(args: Conv2DTransposeArgs) {
    super(args, { stridesWithDilation: false });
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new Error(`${this.label}: filters must be a positive integer, got ${String(args.filters)}`);
    this.filters = args.filters;
    const op = args.outputPadding;
    this.outputPadding = op === undefined || op === null ? null : intPair(this.label, "outputPadding", op, 0, true);
    if (this.outputPadding?.some((p, i) => p >= this.strides[i]))
      throw new Error(
        `${this.label}: outputPadding ${JSON.stringify(this.outputPadding)} must be less than strides ${JSON.stringify(this.strides)} on each axis`,
      );
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? "glorot_uniform");
    this.kernelRegularizer = resolveRegularizer(args.kernelRegularizer);
    this.kernelConstraint = resolveConstraint(args.kernelConstraint);
  }

  override build(inputShape: SymShape): void {
    const c = this.inputChannelsOf(inputShape);
    this.kernel = this.addWeight("kernel", [...this.kernelSize, this.filters, c], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    this.buildBias(this.filters);
  }

  override call(inputs: Tensor): Tensor {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const hw = this.outputHW([inputs.shape[ha], inputs.shape[wa]]) as [number, number];
    return this.finish(conv2dTranspose(inputs, this.kernel!, hw, this.convOptions()));
  }

  private outputHW(inHW: (number | null)[]): (number | null)[] {
    return inHW.map((n, i) =>
      transposeOutputLength(n, this.kernelSize[i], this.strides[i], this.padding, this.outputPadding?.[i] ?? null, this.dilationRate[i]),
    );
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const hw = this.outputHW([inputShape[ha], inputShape[wa]]) as [number | null, number | null];
    if (hw.some((d) => d !== null && d < 1)) throw new Error(`${this.label}: input ${fmtSymShape(inputShape)} gives an empty output`);
    return withSpatial(inputShape, this.dataFormat, hw, this.filters);
  }

  override getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      outputPadding: this.outputPadding ? [...this.outputPadding] : null,
      kernelInitializer: serializeObject(this.kernelInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      kernelConstraint: serializeObject(this.kernelConstraint),
    };
  }
}
registerLayer(Conv2DTranspose);
