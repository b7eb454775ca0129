import type { Tensor } from "../tensor/tensor.js";
import { slice } from "../ops/movement.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { spatialAxes, withSpatial } from "./conv-utils.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import { type Padding2D, normalizePadding2D } from "./zero-padding2d.js";

export interface Cropping2DArgs extends LayerArgs {
  /** Rows / columns to remove: a number, [rows, cols], or [[top, bottom], [left, right]]. Default 0. */
  cropping?: Padding2D;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Removes rows and columns at the borders of each image.
 *
 * @example
 * new Cropping2D({ cropping: [[1, 0], [2, 2]] }).apply(zeros([1, 8, 8, 3])); // [1, 7, 4, 3]
 */
export class Cropping2D extends Layer {
  static override className = "Cropping2D";
  readonly cropping: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = normalizePadding2D(this.label, "cropping", args.cropping, 0);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }

  override call(inputs: Tensor): Tensor {
    const out = this.computeOutputShape(inputs.shape) as number[];
    const begin = [0, 0, 0, 0];
    const [ha, wa] = spatialAxes(this.dataFormat);
    begin[ha] = this.cropping[0][0];
    begin[wa] = this.cropping[1][0];
    return slice(inputs, begin, out);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const [ha, wa] = spatialAxes(this.dataFormat);
    const cut = (n: number | null, c: [number, number]): number | null => {
      if (n === null) return null;
      if (n - c[0] - c[1] <= 0)
        throw new Error(`${this.label}: cropping ${JSON.stringify(this.cropping)} leaves nothing of input ${fmtSymShape(inputShape)}`);
      return n - c[0] - c[1];
    };
    return withSpatial(inputShape, this.dataFormat, [cut(inputShape[ha], this.cropping[0]), cut(inputShape[wa], this.cropping[1])]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}
registerLayer(Cropping2D);
