// Internal: what GlobalAveragePooling2D and GlobalMaxPooling2D share (Keras' BaseGlobalPooling).
import type { Tensor } from "../tensor/tensor.js";
import type { GlobalPool2dOptions } from "../ops/pool.js";
import type { SymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { channelAxis, withSpatial } from "./conv-utils.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";

export interface GlobalPooling2DArgs extends LayerArgs {
  dataFormat?: DataFormat | "channels_last" | "channels_first";
  /** Keep the spatial axes with size 1 (output rank 4); default false (output [batch, channels]). */
  keepdims?: boolean;
}

/** Base of the global 2-D pooling layers. */
export abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = { ndim: 4 };
  }

  protected abstract pool(x: Tensor, opts: GlobalPool2dOptions): Tensor;

  override call(inputs: Tensor): Tensor {
    return this.pool(inputs, { keepDims: this.keepdims, dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    if (this.keepdims) return withSpatial(inputShape, this.dataFormat, [1, 1]);
    return [inputShape[0], inputShape[channelAxis(this.dataFormat)]];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}
