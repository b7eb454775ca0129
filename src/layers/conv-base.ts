// Internal: what Conv2D, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose share (Keras' BaseConv
// arguments, bias, activation, output shape arithmetic and config).
import type { FusedActivation } from "../backends/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "../ops/arithmetic.js";
import { reshape } from "../ops/reshape.js";
import type { Conv2dOptions } from "../ops/conv.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type ActivationFn, type ActivationId, getActivation, serializeActivation } from "./activation-lookup.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import { type IntPair, channelAxis, convOutputLength, intPair, knownChannels, normalizePadding, spatialAxes, withSpatial } from "./conv-utils.js";
import type { LayerWeight } from "./weight.js";

/** Options every 2-D convolution layer accepts (Keras names, camelCase). */
export interface ConvBaseArgs extends LayerArgs {
  /** Window size: a number or [height, width]. */
  kernelSize: IntPair;
  /** Step of the window; default 1. */
  strides?: IntPair;
  /** "valid" (default: no padding) or "same" (output size ceil(input / stride)). */
  padding?: "valid" | "same";
  /** Layout: "channelsLast" (default, NHWC) or "channelsFirst" (NCHW). */
  dataFormat?: DataFormat | "channels_last" | "channels_first";
  /** Dilation of the window; default 1. Keras allows strides > 1 or dilation > 1, not both. */
  dilationRate?: IntPair;
  /** Applied to the output (default linear). */
  activation?: ActivationId;
  /** Add a bias per output channel; default true. */
  useBias?: boolean;
  biasInitializer?: InitializerId;
  biasRegularizer?: RegularizerId | null;
  biasConstraint?: ConstraintId | null;
}

/** Base of the 2-D convolution layers: parses the shared options, adds the bias and activation. */
export abstract class ConvBase extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: DataFormat;
  readonly dilationRate: [number, number];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  protected readonly biasInitializer;
  protected readonly biasRegularizer;
  protected readonly biasConstraint;
  bias: LayerWeight | null = null;

  constructor(args: ConvBaseArgs, opts: { stridesWithDilation: boolean }) {
    super(args);
    if (args === undefined || args.kernelSize === undefined) throw new Error(`${this.label}: kernelSize is required`);
    this.kernelSize = intPair(this.label, "kernelSize", args.kernelSize, 1);
    this.strides = intPair(this.label, "strides", args.strides, 1);
    this.padding = normalizePadding(this.label, args.padding);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.dilationRate = intPair(this.label, "dilationRate", args.dilationRate, 1);
    if (!opts.stridesWithDilation && Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1)
      throw new Error(
        `${this.label}: strides > 1 cannot be combined with dilationRate > 1 (as in Keras); got strides ${JSON.stringify(this.strides)}, dilationRate ${JSON.stringify(this.dilationRate)}`,
      );
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? "zeros");
    this.biasRegularizer = resolveRegularizer(args.biasRegularizer);
    this.biasConstraint = resolveConstraint(args.biasConstraint);
    this.inputSpec = { ndim: 4 };
  }

  /** The input's channel count (known, rank 4); fixes it in the input spec. */
  protected inputChannelsOf(inputShape: SymShape): number {
    const c = knownChannels(this.label, inputShape, this.dataFormat);
    this.inputSpec = { ndim: 4, axes: { [channelAxis(this.dataFormat)]: c } };
    return c;
  }

  /** Creates the bias of `n` output channels when useBias. */
  protected buildBias(n: number): void {
    if (this.useBias)
      this.bias = this.addWeight("bias", [n], { initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
  }

  /** The options of the conv ops. */
  protected convOptions(): Conv2dOptions {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate, dataFormat: this.dataFormat };
  }

  /**
   * The activation as the fused conv kernels name it ("linear", "relu", "relu6"), or null when it is
   * another function (then the layer adds the bias and applies the activation as separate ops).
   */
  protected fusedActivation(): FusedActivation | null {
    for (const name of ["linear", "relu", "relu6"] as const) if (this.activation === getActivation(name)) return name;
    return null;
  }

  /** Adds the bias along the channel axis, then applies the activation. */
  protected finish(y: Tensor): Tensor {
    if (this.bias) y = add(y, this.dataFormat === "channelsFirst" ? reshape(this.bias, [1, -1, 1, 1]) : this.bias);
    return this.activation(y);
  }

  /** Output shape of a forward convolution with `channels` output channels; errors when a size would be < 1. */
  protected convOutputShape(inputShape: SymShape, channels: number | null): SymShape {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const hw = [inputShape[ha], inputShape[wa]].map((n, i) =>
      convOutputLength(n, this.kernelSize[i], this.strides[i], this.padding, this.dilationRate[i]),
    ) as [number | null, number | null];
    if (hw.some((d) => d !== null && d <= 0))
      throw new Error(
        `${this.label}: input ${fmtSymShape(inputShape)} is too small for a ${this.kernelSize.join("x")} window with dilation ${JSON.stringify(this.dilationRate)} and padding "valid" (output size would be ${fmtSymShape(hw)})`,
      );
    return withSpatial(inputShape, this.dataFormat, hw, channels);
  }

  /** The config keys every convolution layer has. */
  protected baseConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      biasInitializer: serializeObject(this.biasInitializer),
      biasRegularizer: serializeObject(this.biasRegularizer),
      biasConstraint: serializeObject(this.biasConstraint),
    };
  }
}
