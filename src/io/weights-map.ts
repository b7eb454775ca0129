// How a model's weights line up with the groups of Keras files: a layer's own variables (Keras 3 .keras /
// .weights.h5), its legacy weight list (.h5), the keys Keras 3 derives from class names, and assignment
// with count, shape and dtype checks that name the file, the layer and the weight.
import type { Layer } from "../layers/layer.js";
import type { LayerWeight } from "../layers/weight.js";
import { toSnakeCase } from "../layers/naming.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import type { Tensor } from "../tensor/tensor.js";
import { cast } from "../ops/cast.js";
import { FileFormatError } from "./errors.js";

/** A layer's own variables (not its sublayers'), trainable ones first: what Keras 3 saves under `vars/`. */
export function ownWeights(layer: Layer): LayerWeight[] {
  const nested = new Set<LayerWeight>();
  for (const l of layer.flattenLayers(false)) for (const w of l.weights) nested.add(w);
  return layer.weights.filter((w) => !nested.has(w));
}

/** Keras' legacy (.h5) weight list of a layer: trainable weights, then non-trainable ones. */
export function legacyWeights(layer: Layer): LayerWeight[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/** The layers Keras 3 saves under a model's `layers/` group, in order (a Sequential's InputLayer excluded). */
export function childLayers(layer: Layer): Layer[] {
  if (layer instanceof Model) return layer.layers; // Sequential.layers already leaves out the InputLayer
  return [];
}

/** The group keys Keras 3 gives `layers`: snake_case class names, "_1", "_2", ... for repeats. */
export function kerasKeys(layers: readonly Layer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    const base = toSnakeCase(kerasClassName(l)).replace(/\W+/g, "");
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return n === undefined ? base : `${base}_${n + 1}`;
  });
}

/** The Python class name Keras would have for this layer. */
function kerasClassName(l: Layer): string {
  if (l instanceof Sequential) return "Sequential";
  if (l instanceof Model) return "Functional";
  return l.className;
}

/** A weight and the value a file gives it. */
export type Assignment = [LayerWeight, Tensor];

/**
 * Pairs `weights` with `values` (same count, same shapes), or throws naming the file, the layer and the
 * weight. Nothing is assigned yet: loaders check every layer first, then `commit`, so a bad file changes nothing.
 */
export function pairWeights(source: string, label: string, weights: readonly LayerWeight[], values: readonly Tensor[], names?: readonly string[]): Assignment[] {
  if (weights.length !== values.length)
    throw new FileFormatError(source,
      `${label}: the file has ${values.length} weights${names ? ` (${names.join(", ")})` : ""}, the model's layer has ${weights.length} (${weights.map((w) => `${w.name} [${w.shape.join(", ")}]`).join(", ") || "none"})`);
  weights.forEach((w, i) => {
    const v = values[i];
    if (v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j]))
      throw new FileFormatError(source,
        `${label}: weight ${i} (${w.name}${names ? `, "${names[i]}" in the file` : ""}) has shape [${w.shape.join(", ")}] in the model, [${v.shape.join(", ")}] in the file`);
  });
  return weights.map((w, i) => [w, values[i]]);
}

/** Assigns every pair, casting values to each weight's dtype. */
export function commit(pairs: readonly Assignment[]): void {
  for (const [w, v] of pairs) w.assign(v.dtype === w.dtype ? v : cast(v, w.dtype));
}
