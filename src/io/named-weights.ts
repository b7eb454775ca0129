// Flat weight names for formats that store a name -> tensor map (safetensors, TF.js manifests):
// "<layer>/<weight>" for a model's layers, "<model>/<layer>/<weight>" inside nested models.
import type { Layer } from "../layers/layer.js";
import type { LayerWeight } from "../layers/weight.js";
import { Model } from "../models/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { FileFormatError } from "./errors.js";
import { type Assignment, ownWeights } from "./weights-map.js";

// Weight names that other Keras versions use for the same weight (Keras 2 and TF.js name a depthwise
// convolution's kernel "depthwise_kernel"; Keras 3 and deepts name it "kernel").
const ALIASES: Record<string, Record<string, string[]>> = {
  DepthwiseConv2D: { kernel: ["depthwise_kernel"] },
};

/** Every weight of `model` under its flat name, in `model.weights` order (shared layers once). */
export function namedWeights(model: Layer): Map<string, LayerWeight> {
  return new Map([...namedWeightEntries(model)].map(([k, e]) => [k, e.weight]));
}

/**
 * Every weight under the name Keras 2 and TF.js give it: "<layer>/<weight>" without the names of enclosing
 * models, and Keras 2's weight names ("depthwise_kernel").
 */
export function keras2WeightNames(model: Layer): Map<string, LayerWeight> {
  const out = new Map<string, LayerWeight>();
  for (const [name, e] of namedWeightEntries(model)) {
    const k2 = e.keras2Name ?? name;
    if (out.has(k2)) throw new Error(`two weights of "${model.name}" are both named "${k2}" in Keras 2's naming (layer names must be unique across nested models)`);
    out.set(k2, e.weight);
  }
  return out;
}

interface NamedEntry {
  weight: LayerWeight;
  /** Other names files may give this weight (without enclosing models' names, Keras 2's weight names). */
  aliases: string[];
  /** The Keras 2 / TF.js name, when it differs. */
  keras2Name?: string;
}

function namedWeightEntries(model: Layer): Map<string, NamedEntry> {
  const out = new Map<string, NamedEntry>();
  const seen = new Set<LayerWeight>();
  const add = (prefix: string, layerName: string | null, w: LayerWeight, cls: string | null): void => {
    if (seen.has(w)) return;
    seen.add(w);
    const local = layerName === null ? w.name : `${layerName}/${w.name}`;
    const name = `${prefix}${local}`;
    if (out.has(name)) throw new Error(`two weights of "${model.name}" are both named "${name}"; give the layers unique names`);
    const k2Local = layerName === null ? w.name : `${layerName}/${(cls ? ALIASES[cls]?.[w.name]?.[0] : undefined) ?? w.name}`;
    const aliases = new Set([k2Local, local, `${prefix}${k2Local}`]);
    aliases.delete(name);
    out.set(name, { weight: w, aliases: [...aliases], keras2Name: k2Local !== name ? k2Local : undefined });
  };
  const visit = (layer: Layer, prefix: string): void => {
    if (layer instanceof Model) {
      for (const w of ownWeights(layer)) add(prefix, null, w, null);
      for (const l of layer.layers) visit(l, l instanceof Model ? `${prefix}${l.name}/` : prefix);
      return;
    }
    for (const w of layer.weights) add(prefix, layer.name, w, layer.className);
  };
  visit(model, "");
  return out;
}

/**
 * Pairs `model`'s weights with `tensors` by flat name ("dense/kernel"); names may also carry Keras 2's
 * ":0" suffix. Every model weight must be present; extra tensors are an error unless `allowExtra`.
 */
export function planNamedWeights(source: string, model: Layer, tensors: Map<string, Tensor>, opts: { allowExtra?: boolean } = {}): Assignment[] {
  const want = namedWeightEntries(model);
  const given = new Map<string, Tensor>();
  for (const [k, v] of tensors) given.set(k.replace(/:0$/, ""), v);
  const out: Assignment[] = [];
  const missing: string[] = [];
  const used = new Set<string>();
  for (const [name, { weight: w, aliases }] of want) {
    const found = [name, ...aliases].find((n) => given.has(n));
    if (found === undefined) {
      missing.push(name);
      continue;
    }
    used.add(found);
    const t = given.get(found)!;
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i]))
      throw new FileFormatError(source, `weight "${name}" has shape [${w.shape.join(", ")}] in the model, [${t.shape.join(", ")}] in the file`);
    out.push([w, t]);
  }
  if (missing.length)
    throw new FileFormatError(source, `the file has no values for ${missing.length} weights of the model: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}; the file has ${[...given.keys()].slice(0, 10).join(", ")}${given.size > 10 ? ", ..." : ""}`);
  const extra = [...given.keys()].filter((k) => !used.has(k));
  if (extra.length && !opts.allowExtra)
    throw new FileFormatError(source, `the file has weights the model lacks: ${extra.slice(0, 10).join(", ")}${extra.length > 10 ? ", ..." : ""}`);
  return out;
}
