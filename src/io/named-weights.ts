// Flat weight names for formats that store a name -> tensor map (safetensors, TF.js manifests):
// "<layer>/<weight>" for a model's layers, "<model>/<layer>/<weight>" inside nested models.
import type { Layer } from "../layers/layer.js";
import type { LayerWeight } from "../layers/weight.js";
import { Model } from "../models/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { FileFormatError } from "./errors.js";
import { type Assignment, ownWeights } from "./weights-map.js";

/** Every weight of `model` under its flat name, in `model.weights` order (shared layers once). */
export function namedWeights(model: Layer): Map<string, LayerWeight> {
  const out = new Map<string, LayerWeight>();
  const seen = new Set<LayerWeight>();
  const visit = (layer: Layer, prefix: string): void => {
    if (layer instanceof Model) {
      for (const w of ownWeights(layer)) add(`${prefix}${w.name}`, w);
      for (const l of layer.layers) visit(l, l instanceof Model ? `${prefix}${l.name}/` : prefix);
      return;
    }
    for (const w of layer.weights) add(`${prefix}${layer.name}/${w.name}`, w);
  };
  const add = (name: string, w: LayerWeight): void => {
    if (seen.has(w)) return;
    seen.add(w);
    if (out.has(name)) throw new Error(`two weights of "${model.name}" are both named "${name}"; give the layers unique names`);
    out.set(name, w);
  };
  visit(model, "");
  return out;
}

/**
 * Pairs `model`'s weights with `tensors` by flat name ("dense/kernel"); names may also carry Keras 2's
 * ":0" suffix. Every model weight must be present; extra tensors are an error unless `allowExtra`.
 */
export function planNamedWeights(source: string, model: Layer, tensors: Map<string, Tensor>, opts: { allowExtra?: boolean } = {}): Assignment[] {
  const want = namedWeights(model);
  const given = new Map<string, Tensor>();
  for (const [k, v] of tensors) given.set(k.replace(/:0$/, ""), v);
  const out: Assignment[] = [];
  const missing: string[] = [];
  for (const [name, w] of want) {
    const t = given.get(name);
    if (!t) {
      missing.push(name);
      continue;
    }
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i]))
      throw new FileFormatError(source, `weight "${name}" has shape [${w.shape.join(", ")}] in the model, [${t.shape.join(", ")}] in the file`);
    out.push([w, t]);
  }
  if (missing.length)
    throw new FileFormatError(source, `the file has no values for ${missing.length} weights of the model: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}; the file has ${[...given.keys()].slice(0, 10).join(", ")}${given.size > 10 ? ", ..." : ""}`);
  const extra = [...given.keys()].filter((k) => !want.has(k));
  if (extra.length && !opts.allowExtra)
    throw new FileFormatError(source, `the file has weights the model lacks: ${extra.slice(0, 10).join(", ")}${extra.length > 10 ? ", ..." : ""}`);
  return out;
}
