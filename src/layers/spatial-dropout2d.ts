import type { Tensor } from "../tensor/tensor.js";
import { Generator, randomUniform } from "../tensor/random.js";
import { div, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { greaterEqual } from "../ops/compare.js";
import type { SymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate: number;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
  seed?: number | null;
}

/**
 * While training, zeroes whole channels (feature maps) of each image with probability `rate` and scales the
 * rest by 1 / (1 - rate); the identity otherwise. Adjacent pixels are correlated, so dropping single pixels
 * would barely regularize.
 *
 * @example
 * new SpatialDropout2D({ rate: 0.2 }).apply(x, { training: true });
 */
export class SpatialDropout2D extends Layer {
  static override className = "SpatialDropout2D";
  readonly rate: number;
  readonly dataFormat: DataFormat;
  readonly seed: number | null;
  private readonly generator: Generator | undefined;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    const rate = args?.rate;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1))
      throw new Error(`${this.label}: rate must be a number in [0, 1), got ${String(rate)}`);
    this.rate = rate;
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.seed = args.seed ?? null;
    this.generator = this.seed === null ? undefined : new Generator(this.seed);
    this.inputSpec = { ndim: 4 };
  }

  override call(inputs: Tensor, opts: CallOptions): Tensor {
    if (!opts.training || this.rate === 0) return inputs;
    const [b, d1, , d3] = inputs.shape;
    const noise = this.dataFormat === "channelsFirst" ? [b, d1, 1, 1] : [b, 1, 1, d3];
    const u = randomUniform(noise, { seed: this.generator, dtype: inputs.dtype });
    const keep = cast(greaterEqual(u, this.rate), inputs.dtype);
    return div(mul(inputs, keep), 1 - this.rate);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate, dataFormat: this.dataFormat, seed: this.seed };
  }
}
registerLayer(SpatialDropout2D);
