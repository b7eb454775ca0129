import type { Tensor } from "../tensor/tensor.js";
import { layerNorm } from "../ops/norm.js";
import { reshape } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface LayerNormalizationArgs extends LayerArgs {
  /** The axis or axes normalized over, per sample; default -1. gamma and beta have their sizes. */
  axis?: number | readonly number[];
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  betaRegularizer?: RegularizerId | null;
  gammaRegularizer?: RegularizerId | null;
  betaConstraint?: ConstraintId | null;
  gammaConstraint?: ConstraintId | null;
}

/**
 * Layer normalization, as Keras 3: each sample is normalized with its own mean and variance over
 * `axis`, then scaled by gamma and shifted by beta (weights over the normalized axes).
 *
 * @example
 * new LayerNormalization().apply(randomNormal([2, 10, 64])); // each [64] vector: mean 0, variance ~1
 */
export class LayerNormalization extends Layer {
  static override className = "LayerNormalization";
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly init;
  private readonly regularizers;
  private readonly constraints;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : [...axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a)))
      throw new Error(`${this.label}: axis must be an integer or a non-empty list of integers, got ${JSON.stringify(args.axis)}`);
    this.axis = typeof axis === "number" ? axis : list;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.init = { beta: resolveInitializer(args.betaInitializer ?? "zeros"), gamma: resolveInitializer(args.gammaInitializer ?? "ones") };
    this.regularizers = { beta: resolveRegularizer(args.betaRegularizer), gamma: resolveRegularizer(args.gammaRegularizer) };
    this.constraints = { beta: resolveConstraint(args.betaConstraint), gamma: resolveConstraint(args.gammaConstraint) };
  }

  private resolveAxes(shape: SymShape): number[] {
    const r = shape.length;
    const list = typeof this.axis === "number" ? [this.axis] : this.axis;
    const out = list.map((a) => (a < 0 ? a + r : a));
    if (out.some((a) => a < 0 || a >= r) || new Set(out).size !== out.length)
      throw new Error(`${this.label}: axis ${JSON.stringify(this.axis)} is out of range (or repeated) for input ${fmtSymShape(shape)}`);
    return out.sort((a, b) => a - b);
  }

  override build(inputShape: SymShape): void {
    const shape = this.resolveAxes(inputShape).map((a) => inputShape[a]);
    if (shape.some((d) => d === null))
      throw new Error(`${this.label}: the normalized axes ${JSON.stringify(this.axis)} of input ${fmtSymShape(inputShape)} must have known sizes`);
    const s = shape as number[];
    if (this.scale)
      this.gamma = this.addWeight("gamma", s, { initializer: this.init.gamma, regularizer: this.regularizers.gamma, constraint: this.constraints.gamma });
    if (this.center)
      this.beta = this.addWeight("beta", s, { initializer: this.init.beta, regularizer: this.regularizers.beta, constraint: this.constraints.beta });
  }

  override call(inputs: Tensor): Tensor {
    const axes = this.resolveAxes(inputs.shape);
    const bshape = inputs.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const lay = (w: LayerWeight | null): Tensor | null => (w ? reshape(w, bshape) : null);
    return layerNorm(inputs, { axes, offset: lay(this.beta), scale: lay(this.gamma), epsilon: this.epsilon });
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    this.resolveAxes(inputShape);
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === "number" ? this.axis : [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeObject(this.init.beta),
      gammaInitializer: serializeObject(this.init.gamma),
      betaRegularizer: serializeObject(this.regularizers.beta),
      gammaRegularizer: serializeObject(this.regularizers.gamma),
      betaConstraint: serializeObject(this.constraints.beta),
      gammaConstraint: serializeObject(this.constraints.gamma),
    };
  }
}
registerLayer(LayerNormalization);
