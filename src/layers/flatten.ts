import type { Tensor } from "../tensor/tensor.js";
import { reshape } from "../ops/reshape.js";
import { transpose } from "../ops/movement.js";
import type { SymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface FlattenArgs extends LayerArgs {
  /** With "channelsFirst", channels are moved last before flattening, so that the order matches channelsLast. */
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Flattens every sample to one dimension: [batch, ...] -> [batch, product of the rest].
 *
 * @example
 * new Flatten().apply(zeros([2, 3, 4])); // [2, 12]
 */
export class Flatten extends Layer {
  static override className = "Flatten";
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { minNdim: 1 };
  }

  override call(inputs: Tensor): Tensor {
    let x = inputs;
    if (this.dataFormat === "channelsFirst" && x.rank > 2) {
      const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
      x = transpose(x, perm);
    }
    return reshape(x, [x.shape[0], x.rank === 1 ? 1 : -1]);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1);
    return [inputShape[0], size];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
registerLayer(Flatten);
