import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/tape.js";
import { add, mul } from "../ops/arithmetic.js";
import { batchNorm, batchNormalization } from "../ops/norm.js";
import { relu } from "../ops/activations.js";
import { batchNormRelu } from "../ops/batch-norm-relu.js";
import { reshape } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import {
  type ConstraintId, type InitializerId, type RegularizerId, resolveConstraint, resolveInitializer, resolveRegularizer, serializeObject,
} from "./serialize.js";
import type { LayerWeight } from "./weight.js";

export interface BatchNormalizationArgs extends LayerArgs {
  /** The feature (channel) axis; default -1. Use 1 (or 3 for NHWC) as the data layout requires. */
  axis?: number;
  /** Weight of the old value in the moving averages; default 0.99. */
  momentum?: number;
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
  /** Add the offset beta; default true. */
  center?: boolean;
  /** Multiply by gamma; default true. */
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  movingMeanInitializer?: InitializerId;
  movingVarianceInitializer?: InitializerId;
  betaRegularizer?: RegularizerId | null;
  gammaRegularizer?: RegularizerId | null;
  betaConstraint?: ConstraintId | null;
  gammaConstraint?: ConstraintId | null;
}

/**
 * Batch normalization, as Keras 3. Training (`training: true` and `trainable`): normalizes with the batch
 * mean and (biased) variance over every axis but `axis`, and updates
 * `moving = moving * momentum + batch * (1 - momentum)`. Otherwise (inference, or `trainable = false`
 * even when training) it normalizes with the moving statistics. Weights: gamma, beta, moving_mean,
 * moving_variance.
 *
 * @example
 * const bn = new BatchNormalization({ axis: 3 });
 * bn.apply(randomNormal([8, 4, 4, 16]), { training: true }); // updates bn.movingMean
 */
export class BatchNormalization extends Layer {
  static override className = "BatchNormalization";
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly init;
  private readonly regularizers;
  private readonly constraints;
  gamma: LayerWeight | null = null;
  beta: LayerWeight | null = null;
  movingMean: LayerWeight | null = null;
  movingVariance: LayerWeight | null = null;
  /**
   * Internal, set by the training-time graph fusion (src/models/training-fusion.ts) for one call: that call
   * returns relu of its output, computed in the norm's own passes when training (the ReLU layer is skipped).
   */
  fuseReluNextCall = false;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`${this.label}: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.init = {
      beta: resolveInitializer(args.betaInitializer ?? "zeros"),
      gamma: resolveInitializer(args.gammaInitializer ?? "ones"),
      movingMean: resolveInitializer(args.movingMeanInitializer ?? "zeros"),
      movingVariance: resolveInitializer(args.movingVarianceInitializer ?? "ones"),
    };
    this.regularizers = { beta: resolveRegularizer(args.betaRegularizer), gamma: resolveRegularizer(args.gammaRegularizer) };
    this.constraints = { beta: resolveConstraint(args.betaConstraint), gamma: resolveConstraint(args.gammaConstraint) };
  }

  /** The axis as a non-negative index for inputs of rank `rank`. */
  private channelAxis(rank: number, shape: SymShape): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 0 || a >= rank) throw new Error(`${this.label}: axis ${this.axis} is out of range for input ${fmtSymShape(shape)}`);
    return a;
  }

  override build(inputShape: SymShape): void {
    const a = this.channelAxis(inputShape.length, inputShape);
    const c = inputShape[a];
    if (c === null) throw new Error(`${this.label}: the size of axis ${this.axis} must be known, got input ${fmtSymShape(inputShape)}`);
    if (this.scale)
      this.gamma = this.addWeight("gamma", [c], { initializer: this.init.gamma, regularizer: this.regularizers.gamma, constraint: this.constraints.gamma });
    if (this.center)
      this.beta = this.addWeight("beta", [c], { initializer: this.init.beta, regularizer: this.regularizers.beta, constraint: this.constraints.beta });
    this.movingMean = this.addWeight("moving_mean", [c], { initializer: this.init.movingMean, trainable: false });
    this.movingVariance = this.addWeight("moving_variance", [c], { initializer: this.init.movingVariance, trainable: false });
    this.inputSpec = { ndim: inputShape.length, axes: { [a]: c } };
  }

  override call(inputs: Tensor, opts: CallOptions): Tensor {
    const fuseRelu = this.fuseReluNextCall;
    this.fuseReluNextCall = false;
    const a = this.channelAxis(inputs.rank, inputs.shape);
    if (opts.training && this.trainable) {
      // Batch statistics on the fused op (two passes forward, two backward).
      const args = { axis: a, offset: this.beta, scale: this.gamma, epsilon: this.epsilon };
      const r = fuseRelu ? batchNormRelu(inputs, args) : batchNorm(inputs, args);
      const m = this.momentum;
      noGrad(() => {
        this.movingMean!.assign(add(mul(this.movingMean!, m), mul(r.mean, 1 - m)));
        this.movingVariance!.assign(add(mul(this.movingVariance!, m), mul(r.variance, 1 - m)));
      });
      return r.output;
    }
    // Per-channel vectors laid out along the channel axis (rank 1 broadcasts only along the last axis);
    // batchNormalization runs them as one fused pass.
    const bshape = inputs.shape.map((d, i) => (i === a ? d : 1));
    const lay = (t: Tensor | LayerWeight): Tensor => reshape(t, bshape);
    const y = batchNormalization(
      inputs, lay(this.movingMean!), lay(this.movingVariance!), this.beta ? lay(this.beta) : null, this.gamma ? lay(this.gamma) : null,
      this.epsilon,
    );
    return fuseRelu ? relu(y) : y;
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    this.channelAxis(inputShape.length, inputShape);
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeObject(this.init.beta),
      gammaInitializer: serializeObject(this.init.gamma),
      movingMeanInitializer: serializeObject(this.init.movingMean),
      movingVarianceInitializer: serializeObject(this.init.movingVariance),
      betaRegularizer: serializeObject(this.regularizers.beta),
      gammaRegularizer: serializeObject(this.regularizers.gamma),
      betaConstraint: serializeObject(this.constraints.beta),
      gammaConstraint: serializeObject(this.constraints.gamma),
    };
  }
}
registerLayer(BatchNormalization);
