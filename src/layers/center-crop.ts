import type { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { cast } from "../ops/cast.js";
import { resizeBilinear } from "../ops/image.js";
import { slice } from "../ops/movement.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import { cropToAspect, imageAxes } from "./resizing.js";

export interface CenterCropArgs extends LayerArgs {
  height: number;
  width: number;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Crops the central [height, width] window of each image. An image smaller than that along some axis is
 * instead cropped to the target aspect ratio and resized (bilinear), as Keras' smart_resize.
 *
 * @example
 * new CenterCrop({ height: 224, width: 224 }).apply(zeros([1, 256, 256, 3])); // [1, 224, 224, 3]
 */
export class CenterCrop extends Layer {
  static override className = "CenterCrop";
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(args: CenterCropArgs) {
    super(args);
    for (const k of ["height", "width"] as const)
      if (!Number.isInteger(args?.[k]) || args[k] < 1) throw new Error(`${this.label}: ${k} must be a positive integer, got ${String(args?.[k])}`);
    this.height = args.height;
    this.width = args.width;
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { minNdim: 3, maxNdim: 4 };
  }

  override call(inputs: Tensor): Tensor {
    const x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    const [ha, wa] = imageAxes(x.rank, this.dataFormat);
    const dh = x.shape[ha] - this.height;
    const dw = x.shape[wa] - this.width;
    if (dh >= 0 && dw >= 0) {
      const begin = x.shape.map(() => 0);
      const size = [...x.shape];
      begin[ha] = Math.floor(dh / 2);
      begin[wa] = Math.floor(dw / 2);
      size[ha] = this.height;
      size[wa] = this.width;
      return slice(x, begin, size);
    }
    const target: [number, number] = [this.height, this.width];
    return resizeBilinear(cropToAspect(x, target, this.dataFormat, false), target, { dataFormat: this.dataFormat });
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    if (inputShape.length !== 3 && inputShape.length !== 4)
      throw new Error(`${this.label}: expected an image (rank 3) or a batch (rank 4), got ${fmtSymShape(inputShape)}`);
    const out = [...inputShape];
    const [ha, wa] = imageAxes(inputShape.length, this.dataFormat);
    out[ha] = this.height;
    out[wa] = this.width;
    return out;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), height: this.height, width: this.width, dataFormat: this.dataFormat };
  }
}
registerLayer(CenterCrop);
