// Internal: what MaxPooling2D and AveragePooling2D share (Keras' BasePooling).
import type { Tensor } from "../tensor/tensor.js";
import type { Pool2dOptions } from "../ops/pool.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { type IntPair, convOutputLength, intPair, normalizePadding, spatialAxes, withSpatial } from "./conv-utils.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";

export interface Pooling2DArgs extends LayerArgs {
  /** Window size: a number or [height, width]. Default 2. */
  poolSize?: IntPair;
  /** Step of the window; default poolSize. */
  strides?: IntPair | null;
  /** "valid" (default) or "same" (padded cells are ignored). */
  padding?: "valid" | "same";
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/** Base of the 2-D pooling layers: options, output shape and config; subclasses pick the pooling op. */
export abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: DataFormat;

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    this.poolSize = intPair(this.label, "poolSize", args.poolSize, 2);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : intPair(this.label, "strides", args.strides, 1);
    this.padding = normalizePadding(this.label, args.padding);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }

  protected abstract pool(x: Tensor, opts: Pool2dOptions): Tensor;

  override call(inputs: Tensor): Tensor {
    return this.pool(inputs, { poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const hw = [inputShape[ha], inputShape[wa]].map((n, i) => convOutputLength(n, this.poolSize[i], this.strides[i], this.padding)) as [
      number | null, number | null,
    ];
    if (hw.some((d) => d !== null && d < 1))
      throw new Error(`${this.label}: input ${fmtSymShape(inputShape)} is smaller than the ${this.poolSize.join("x")} pooling window (padding "valid")`);
    return withSpatial(inputShape, this.dataFormat, hw);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: this.dataFormat };
  }
}
