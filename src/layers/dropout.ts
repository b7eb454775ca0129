import type { Tensor } from "../tensor/tensor.js";
import { Generator, randomUniform } from "../tensor/random.js";
import { div, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { greaterEqual } from "../ops/compare.js";
import type { SymShape } from "../models/symbolic.js";
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /** Shape of the keep mask (null: the input's size), e.g. [null, 1, null] to drop whole timesteps' features alike. */
  noiseShape?: readonly (number | null)[] | null;
  /** Makes the sequence of masks reproducible. */
  seed?: number | null;
}

/**
 * While training, zeroes a random `rate` fraction of its inputs and scales the rest by 1 / (1 - rate);
 * the identity otherwise.
 *
 * @example
 * new Dropout({ rate: 0.5 }).apply(ones([2, 4]), { training: true }); // zeros and 2s
 */
export class Dropout extends Layer {
  static override className = "Dropout";
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  readonly seed: number | null;
  private readonly generator: Generator | undefined;

  constructor(args: DropoutArgs) {
    super(args);
    const rate = args?.rate;
    if (typeof rate !== "number" || !(rate >= 0 && rate < 1))
      throw new Error(`${this.label}: rate must be a number in [0, 1), got ${String(rate)}`);
    this.rate = rate;
    this.noiseShape = args.noiseShape ? [...args.noiseShape] : null;
    this.seed = args.seed ?? null;
    this.generator = this.seed === null ? undefined : new Generator(this.seed);
  }

  override call(inputs: Tensor, opts: CallOptions): Tensor {
    if (!opts.training || this.rate === 0) return inputs;
    const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? inputs.shape[i]) : inputs.shape;
    const u = randomUniform(shape, { seed: this.generator, dtype: inputs.dtype });
    const keep = cast(greaterEqual(u, this.rate), inputs.dtype);
    return div(mul(inputs, keep), 1 - this.rate);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noiseShape: this.noiseShape ? [...this.noiseShape] : null };
  }
}
registerLayer(Dropout);
