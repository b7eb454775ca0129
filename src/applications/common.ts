// Internal: what the ImageNet application builders share (Keras' imagenet_utils.obtain_input_shape,
// the pooling / classifier head options, and the `weights` argument).
import { existsSync } from "node:fs";
import type { ActivationId } from "../layers/activation-lookup.js";
import { GlobalAveragePooling2D } from "../layers/global-average-pooling2d.js";
import { GlobalMaxPooling2D } from "../layers/global-max-pooling2d.js";
import type { Model } from "../models/model.js";
import { loadWeights } from "../io/model-io.js";
import type { SymbolicTensor } from "../models/symbolic.js";

/** Feature pooling of a no-top model: none (4-D feature map), global average, or global max. */
export type Pooling = null | "avg" | "max";

/** The options every ImageNet application builder takes (Keras' arguments, camelCase). */
export interface ApplicationArgs {
  /** Include the classifier on top (default true). */
  includeTop?: boolean;
  /**
   * null (default: random initialization) or the path of a Keras weights file (.h5 such as
   * `resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`, .weights.h5, .keras), mapped onto the layers by
   * name; with a path the builder returns a Promise of the model. "imagenet" is refused: deepts never
   * downloads; pass the downloaded file's path instead.
   */
  weights?: string | null;
  /** Shape of one image, [height, width, channels]; default [224, 224, 3] (or [null, null, 3] without the top). */
  inputShape?: readonly (number | null)[] | null;
  /** With includeTop false: null (4-D features), "avg" or "max" (global pooling to [batch, channels]). */
  pooling?: Pooling;
  /** Number of classes of the top (default 1000). */
  classes?: number;
  /** Activation of the top Dense layer (default "softmax"; null for logits). */
  classifierActivation?: ActivationId;
  /** The model's name (default Keras' name). */
  name?: string;
}

/** Keras' obtain_input_shape for channels-last images, without pretrained weights. */
export function obtainInputShape(
  label: string,
  inputShape: readonly (number | null)[] | null | undefined,
  opts: { defaultSize: number; minSize: number; requireFlatten: boolean },
): (number | null)[] {
  let shape: (number | null)[];
  if (inputShape !== null && inputShape !== undefined) {
    if (inputShape.length !== 3)
      throw new Error(`${label}: inputShape must be [height, width, channels], got ${JSON.stringify(inputShape)}`);
    for (const d of inputShape)
      if (d !== null && (!Number.isInteger(d) || d < 1))
        throw new Error(`${label}: inputShape must hold positive integers (or null), got ${JSON.stringify(inputShape)}`);
    const [h, w] = inputShape;
    if ((h !== null && h < opts.minSize) || (w !== null && w < opts.minSize))
      throw new Error(`${label}: input size must be at least ${opts.minSize}x${opts.minSize}, got inputShape ${JSON.stringify(inputShape)}`);
    shape = [...inputShape];
  } else if (opts.requireFlatten) shape = [opts.defaultSize, opts.defaultSize, 3];
  else shape = [null, null, 3];
  if (opts.requireFlatten && shape.includes(null))
    throw new Error(`${label}: with includeTop true, give a static inputShape (no null dimensions), got ${JSON.stringify(shape)}`);
  return shape;
}

/** The builder's arguments when a weights file is given: the builder then returns a Promise (reading is async). */
export type WithWeights<A extends { weights?: string | null }> = A & { weights: string };

/**
 * Runs a builder: with `weights` null, returns the model; with a path, a Promise of the model with the
 * Keras file's weights loaded (legacy .h5 files such as Keras' application downloads map by layer name,
 * see loadWeights in src/io), rejected with a clear error for "imagenet", a missing file or a bad one.
 */
export function buildApplication(label: string, weights: string | null | undefined, build: () => Model): Model | Promise<Model> {
  if (weights === null || weights === undefined) return build();
  return (async () => {
    if (weights === "imagenet")
      throw new Error(
        `${label}: weights "imagenet" needs a download, which deepts never does; download the Keras weights file ` +
          `(e.g. resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5) yourself and pass its path`,
      );
    if (typeof weights !== "string" || !existsSync(weights))
      throw new Error(`${label}: weights must be null (random initialization) or the path of a Keras weights file; no file at ${JSON.stringify(weights)}`);
    const model = build();
    try {
      await loadWeights(model, weights);
    } catch (e) {
      throw new Error(`${label}: cannot load weights from ${JSON.stringify(weights)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return model;
  })();
}

/** The no-top head: global average or max pooling, or the 4-D features unchanged. */
export function poolFeatures(label: string, x: SymbolicTensor, pooling: Pooling | undefined, names: { avg?: string; max?: string } = {}): SymbolicTensor {
  if (pooling === null || pooling === undefined) return x;
  if (pooling === "avg") return new GlobalAveragePooling2D({ name: names.avg }).apply(x) as SymbolicTensor;
  if (pooling === "max") return new GlobalMaxPooling2D({ name: names.max }).apply(x) as SymbolicTensor;
  throw new Error(`${label}: pooling must be null, "avg" or "max", got ${JSON.stringify(pooling)}`);
}

/** Checks `classes` (a positive integer). */
export function checkClasses(label: string, classes: number): void {
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`${label}: classes must be a positive integer, got ${classes}`);
}

/** The applied layer's single symbolic output (layers applied to symbolic tensors return one). */
export function sym(t: unknown): SymbolicTensor {
  return t as SymbolicTensor;
}

/**
 * Keras' automatic layer names as a fresh session gives them ("conv2d", "conv2d_1", ...), counted per
 * builder call, so that a course model gets the same names as in a new Python session whatever deepts
 * built before.
 */
export class FreshNames {
  private readonly counts = new Map<string, number>();

  /** The next name for `prefix` ("activation", "activation_1", ...). */
  next(prefix: string): string {
    const n = this.counts.get(prefix) ?? 0;
    this.counts.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }
}
