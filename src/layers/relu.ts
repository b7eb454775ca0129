import type { Tensor } from "../tensor/tensor.js";
import { add, mul, neg, sub } from "../ops/arithmetic.js";
import { leakyRelu, relu, relu6 } from "../ops/activations.js";
import { greater, where } from "../ops/compare.js";
import { clip } from "../ops/math.js";
import type { SymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output (default none). */
  maxValue?: number | null;
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Values at or below it are damped (default 0). */
  threshold?: number;
}

/**
 * Rectified linear unit with Keras' options: `x` above `threshold` (capped at `maxValue`),
 * `negativeSlope * (x - threshold)` below.
 *
 * @example
 * new ReLU({ maxValue: 6 }).apply(tensor([-1, 3, 9])); // [0, 3, 6]
 */
export class ReLU extends Layer {
  static override className = "ReLU";
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
    if (this.maxValue !== null && !(this.maxValue >= 0)) throw new Error(`${this.label}: maxValue must be >= 0, got ${this.maxValue}`);
    if (!(this.negativeSlope >= 0)) throw new Error(`${this.label}: negativeSlope must be >= 0, got ${this.negativeSlope}`);
    if (!Number.isFinite(this.threshold)) throw new Error(`${this.label}: threshold must be a finite number, got ${this.threshold}`);
  }

  // The same case analysis as keras.activations.relu, so results (and gradients at the edges) agree.
  override call(inputs: Tensor): Tensor {
    const { negativeSlope: slope, maxValue, threshold } = this;
    let x = inputs;
    let negativePart: Tensor | null = null;
    if (slope !== 0) {
      if (maxValue === null && threshold === 0) return leakyRelu(x, slope);
      negativePart = relu(threshold !== 0 ? add(neg(x), threshold) : neg(x));
    }
    let clipMax = maxValue !== null;
    if (threshold !== 0) x = where(greater(x, threshold), x, 0);
    else if (maxValue === 6) {
      x = relu6(x);
      clipMax = false;
    } else x = relu(x);
    if (clipMax) x = clip(x, 0, maxValue as number);
    if (negativePart) x = sub(x, mul(negativePart, slope));
    return x;
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}
registerLayer(ReLU);
