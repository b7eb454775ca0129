// Loss classes (keras.losses.<Class>): a per-sample function plus Keras' reduction and sample weights.
import { type TensorLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type CrossentropyOptions, binaryCrossentropy, categoricalCrossentropy, categoricalHinge, cosineSimilarity, hinge, huber,
  klDivergence, logCosh, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError,
  meanSquaredLogarithmicError, poisson, sparseCrossentropyWithMask, squaredHinge,
} from "./functions.js";
import { lossOperands } from "./operands.js";
import { type Reduction, checkReduction, reduceWeightedValues, squeezeOrExpandToSameRank } from "./reduction.js";

export interface LossOptions {
  reduction?: Reduction;
  name?: string;
}

/**
 * A loss: `call(yTrue, yPred, sampleWeight?)` gives the reduced loss (by default the mean over
 * the batch, Keras' "sum_over_batch_size"); `perSample` the unreduced values.
 *
 * @example
 * new BinaryCrossentropy().call(tensor([[1], [0]]), tensor([[0.9], [0.2]]));
 */
export abstract class Loss {
  readonly name: string;
  readonly reduction: Reduction;

  constructor(o: LossOptions, defaultName: string) {
    this.name = o.name ?? defaultName;
    this.reduction = checkReduction(this.constructor.name, o.reduction === undefined ? "sum_over_batch_size" : o.reduction);
  }

  /** One loss per sample (Keras' Loss.call): yTrue and yPred already brought to the same rank. */
  abstract perSample(yTrue: Tensor, yPred: Tensor): Tensor;

  /** The per-sample values and a mask of those that count (null: all). */
  protected perSampleWithMask(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor | null] {
    return [this.perSample(yTrue, yPred), null];
  }

  /** The loss, weighted by `sampleWeight` (broadcast against the per-sample losses) and reduced. */
  call(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(...lossOperands(this.name, yTrue, yPred));
    const [values, mask] = this.perSampleWithMask(t, p);
    return reduceWeightedValues(values, { sampleWeight, mask, reduction: this.reduction });
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  get className(): string {
    return this.constructor.name;
  }
}

/** A loss from any per-sample function `(yTrue, yPred) => Tensor` (Keras' LossFunctionWrapper). */
export class LossFunctionWrapper extends Loss {
  readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor;
  constructor(fn: (yTrue: Tensor, yPred: Tensor) => Tensor, o: LossOptions = {}) {
    super(o, o.name ?? (fn.name || "loss"));
    this.fn = fn;
  }
  perSample(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(yTrue, yPred);
  }
}

/** Mean of squared errors. */
export class MeanSquaredError extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "mean_squared_error");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return meanSquaredError(t, p);
  }
}

/** Mean of absolute errors. */
export class MeanAbsoluteError extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "mean_absolute_error");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return meanAbsoluteError(t, p);
  }
}

/** Mean absolute percentage error. */
export class MeanAbsolutePercentageError extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "mean_absolute_percentage_error");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return meanAbsolutePercentageError(t, p);
  }
}

/** Mean squared logarithmic error. */
export class MeanSquaredLogarithmicError extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "mean_squared_logarithmic_error");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return meanSquaredLogarithmicError(t, p);
  }
}

/** Negative cosine similarity along `axis` (default -1). */
export class CosineSimilarity extends Loss {
  readonly axis: number;
  constructor(o: LossOptions & { axis?: number } = {}) {
    super(o, "cosine_similarity");
    this.axis = o.axis ?? -1;
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return cosineSimilarity(t, p, { axis: this.axis });
  }
}

/** Huber loss with threshold `delta` (default 1). */
export class Huber extends Loss {
  readonly delta: number;
  constructor(o: LossOptions & { delta?: number } = {}) {
    super(o, "huber_loss");
    this.delta = o.delta ?? 1;
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return huber(t, p, { delta: this.delta });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

/** log(cosh(error)), averaged. */
export class LogCosh extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "log_cosh");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return logCosh(t, p);
  }
}

/** Hinge loss (labels -1/1, or 0/1 converted). */
export class Hinge extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "hinge");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return hinge(t, p);
  }
}

/** Squared hinge loss. */
export class SquaredHinge extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "squared_hinge");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return squaredHinge(t, p);
  }
}

/** Categorical hinge loss (one-hot labels). */
export class CategoricalHinge extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "categorical_hinge");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return categoricalHinge(t, p);
  }
}

/** Kullback-Leibler divergence. */
export class KLDivergence extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "kl_divergence");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return klDivergence(t, p);
  }
}

/** Poisson loss. */
export class Poisson extends Loss {
  constructor(o: LossOptions = {}) {
    super(o, "poisson");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return poisson(t, p);
  }
}

type CrossentropyClassOptions = LossOptions & CrossentropyOptions;

abstract class CrossentropyLoss extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(o: CrossentropyClassOptions, name: string) {
    super(o, name);
    this.fromLogits = o.fromLogits ?? false;
    this.labelSmoothing = o.labelSmoothing ?? 0;
    this.axis = o.axis ?? -1;
  }
  protected get options(): CrossentropyOptions {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options };
  }
}

/** Binary crossentropy (options fromLogits, labelSmoothing, axis). */
export class BinaryCrossentropy extends CrossentropyLoss {
  constructor(o: CrossentropyClassOptions = {}) {
    super(o, "binary_crossentropy");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return binaryCrossentropy(t, p, this.options);
  }
}

/** Categorical crossentropy with one-hot targets (options fromLogits, labelSmoothing, axis). */
export class CategoricalCrossentropy extends CrossentropyLoss {
  constructor(o: CrossentropyClassOptions = {}) {
    super(o, "categorical_crossentropy");
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return categoricalCrossentropy(t, p, this.options);
  }
}

/** Categorical crossentropy with integer targets (options fromLogits, ignoreClass). */
export class SparseCategoricalCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;
  constructor(o: LossOptions & { fromLogits?: boolean; ignoreClass?: number | null } = {}) {
    super(o, "sparse_categorical_crossentropy");
    this.fromLogits = o.fromLogits ?? false;
    this.ignoreClass = o.ignoreClass ?? null;
  }
  perSample(t: Tensor, p: Tensor): Tensor {
    return this.perSampleWithMask(t, p)[0];
  }
  protected override perSampleWithMask(t: Tensor, p: Tensor): [Tensor, Tensor | null] {
    return sparseCrossentropyWithMask(t, p, { fromLogits: this.fromLogits, ignoreClass: this.ignoreClass });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: this.ignoreClass };
  }
}
