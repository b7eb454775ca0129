import type { Tensor } from "../tensor/tensor.js";
import { add, mul, neg } from "../ops/arithmetic.js";
import { relu } from "../ops/activations.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface PReLUArgs extends LayerArgs {
  /** Initial slopes (default "zeros"). */
  alphaInitializer?: InitializerId;
  alphaRegularizer?: RegularizerId | null;
  alphaConstraint?: ConstraintId | null;
  /** Axes (1-based, batch excluded) that share one slope, e.g. [1, 2] for one slope per channel of images. */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * Parametric ReLU: `x` for x > 0, `alpha * x` otherwise, with a learned `alpha` per input position.
 *
 * @example
 * new PReLU({ sharedAxes: [1, 2] }).apply(zeros([2, 8, 8, 3])); // alpha of shape [1, 1, 3]
 */
export class PReLU extends Layer {
  static override className = "PReLU";
  readonly sharedAxes: number[] | null;
  private readonly alphaInitializer;
  private readonly alphaRegularizer;
  private readonly alphaConstraint;
  alpha: LayerWeight | null = null;

  constructor(args: PReLUArgs = {}) {
    super(args);
    const s = args.sharedAxes;
    this.sharedAxes = s === null || s === undefined ? null : typeof s === "number" ? [s] : [...s];
    this.alphaInitializer = resolveInitializer(args.alphaInitializer ?? "zeros");
    this.alphaRegularizer = resolveRegularizer(args.alphaRegularizer);
    this.alphaConstraint = resolveConstraint(args.alphaConstraint);
  }

  override build(inputShape: SymShape): void {
    const shape = inputShape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (!Number.isInteger(a) || a < 1 || a > shape.length)
        throw new Error(`${this.label}: shared axis ${a} is out of range for input ${fmtSymShape(inputShape)} (axes start at 1)`);
      shape[a - 1] = 1;
    }
    if (shape.some((d) => d === null))
      throw new Error(`${this.label}: the input's non-batch dimensions must be known (or shared), got ${fmtSymShape(inputShape)}`);
    this.alpha = this.addWeight("alpha", shape as number[], {
      initializer: this.alphaInitializer, regularizer: this.alphaRegularizer, constraint: this.alphaConstraint,
    });
    const axes: Record<number, number> = {};
    inputShape.forEach((d, i) => {
      if (i > 0 && d !== null && !(this.sharedAxes ?? []).includes(i)) axes[i] = d;
    });
    this.inputSpec = { ndim: inputShape.length, axes };
  }

  override call(inputs: Tensor): Tensor {
    // relu(x) - alpha * relu(-x), as Keras computes it.
    return add(relu(inputs), mul(neg(this.alpha!), relu(neg(inputs))));
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      alphaInitializer: serializeObject(this.alphaInitializer),
      alphaRegularizer: serializeObject(this.alphaRegularizer),
      alphaConstraint: serializeObject(this.alphaConstraint),
      sharedAxes: this.sharedAxes,
    };
  }
}
registerLayer(PReLU);
