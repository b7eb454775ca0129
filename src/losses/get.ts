import type { Tensor } from "../tensor/tensor.js";
import { lookupKey, readSerialized, type SerializedObject } from "../optimizers/config.js";
import {
  BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, Huber, KLDivergence, LogCosh, Loss,
  LossFunctionWrapper, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
  SparseCategoricalCrossentropy, SquaredHinge,
} from "./losses.js";

const CLASSES = {
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh,
  Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
};
type LossClass = new (o?: never) => Loss;
const BY_KEY = new Map<string, LossClass>(Object.entries(CLASSES).map(([k, v]) => [lookupKey(k), v as LossClass]));
// Keras' function names and short aliases.
for (const [alias, cls] of [
  ["mse", MeanSquaredError], ["mae", MeanAbsoluteError], ["mape", MeanAbsolutePercentageError], ["msle", MeanSquaredLogarithmicError],
  ["huber_loss", Huber], ["kld", KLDivergence], ["kl_divergence", KLDivergence], ["kullback_leibler_divergence", KLDivergence],
  ["logcosh", LogCosh],
] as const)
  BY_KEY.set(lookupKey(alias), cls as LossClass);

/** `{className, config}` for a loss. */
export function serializeLoss(l: Loss): SerializedObject {
  return { className: l.className, config: l.getConfig() };
}

/**
 * A loss from a Keras name ("mse", "binary_crossentropy", "sparse_categorical_crossentropy", ...),
 * a Loss, a per-sample function `(yTrue, yPred) => Tensor`, or `{className, config}`.
 */
export function getLoss(
  id: string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor) | { className?: string; class_name?: string; config?: object },
): Loss {
  if (id instanceof Loss) return id;
  if (typeof id === "function") return new LossFunctionWrapper(id);
  const s = typeof id === "string" ? { className: id, config: {} } : readSerialized(id);
  const cls = s && BY_KEY.get(lookupKey(s.className));
  if (!s || !cls)
    throw new Error(
      `getLoss: unknown loss ${JSON.stringify(id)}; expected a name such as "mse" or "binary_crossentropy", a Loss, a function, or {className, config}`,
    );
  return new cls(s.config as never);
}

/**
 * The loss `compile` makes of an identifier, as Keras does: "crossentropy" / "ce" becomes binary,
 * sparse categorical or categorical crossentropy by the shapes of yTrue and yPred (yPred's last
 * axis 1: binary; yTrue of lower rank, or a last axis of 1 against several classes: sparse).
 */
export function resolveLoss(
  id: Parameters<typeof getLoss>[0],
  yTrueShape: readonly number[],
  yPredShape: readonly number[],
): Loss {
  if (typeof id !== "string" || !["crossentropy", "ce"].includes(id.toLowerCase())) return getLoss(id);
  const tLast = yTrueShape[yTrueShape.length - 1];
  const pLast = yPredShape[yPredShape.length - 1];
  if (pLast === 1) return new BinaryCrossentropy({ name: id });
  if (yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1)) return new SparseCategoricalCrossentropy({ name: id });
  return new CategoricalCrossentropy({ name: id });
}
