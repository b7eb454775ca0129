// Keras' legacy HDF5 weights (whole-model .h5 files under model_weights/, weights-only .h5 files at the
// root, such as the Keras applications' *_notop.h5 downloads):
//   attribute layer_names = [layer, ...]; group <layer> with attribute weight_names = [name, ...];
//   dataset <layer>/<name>, where names are "dense/kernel:0" (Keras 2) or "sequential/dense/kernel" (Keras 3).
import type { Layer } from "../layers/layer.js";
import { Model } from "../models/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { FileFormatError } from "./errors.js";
import type { H5Reader, H5Writer } from "./hdf5.js";
import { rawToTensor } from "./raw-tensor.js";
import { type Assignment, legacyWeights, pairWeights } from "./weights-map.js";

/** Options of loading weights from a legacy .h5 file. */
export interface LegacyLoadOptions {
  /**
   * "name": match layers by name (the model may have extra layers, as a model with a new top loading a
   * *_notop.h5 file); "order": by position among layers with weights (Keras' default); "auto" (default):
   * by name when every layer of the file is found in the model, else by order.
   */
  match?: "auto" | "name" | "order";
}

interface FileLayer {
  name: string;
  weightNames: string[];
  values: Tensor[];
}

/** The layers with weights stored under `group` ("/model_weights" or "/"), in the file's order. */
function fileLayers(r: H5Reader, group: string): FileLayer[] {
  const names = r.stringListAttr(group, "layer_names");
  if (!names) throw new FileFormatError(r.source, `no "layer_names" attribute on ${group === "/" ? "the root group" : `"${group}"`}: not a Keras weights file`);
  const base = group === "/" ? "" : group;
  const out: FileLayer[] = [];
  for (const name of names) {
    const g = `${base}/${name}`;
    if (!r.group(g)) throw new FileFormatError(r.source, `layer_names lists "${name}", but there is no group "${g}"`);
    const weightNames = r.stringListAttr(g, "weight_names") ?? [];
    const values = weightNames.map((wn) => {
      const a = r.dataset(`${g}/${wn}`);
      return rawToTensor(a.data, a.dtype, a.shape, r.source, `dataset "${g}/${wn}"`);
    });
    if (values.length > 0) out.push({ name, weightNames, values });
  }
  return out;
}

/** The model's layers that own weights, as Keras lists them in legacy files. */
function modelLayers(model: Layer): Layer[] {
  const layers = model instanceof Model ? model.layers : [model];
  return layers.filter((l) => legacyWeights(l).length > 0);
}

/** Reads legacy weights under `group` and pairs them with `model`'s weights; nothing is assigned. */
export function planLegacyWeights(r: H5Reader, group: string, model: Layer, opts: LegacyLoadOptions = {}): Assignment[] {
  const file = fileLayers(r, group);
  const layers = modelLayers(model);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const match = opts.match ?? "auto";
  const allNamed = file.every((f) => byName.has(f.name));
  const out: Assignment[] = [];
  const pair = (f: FileLayer, l: Layer): void => {
    out.push(...pairWeights(r.source, `layer "${l.name}" (file layer "${f.name}")`, legacyWeights(l), f.values, f.weightNames));
  };
  if (match === "name" || (match === "auto" && allNamed)) {
    const missing = file.filter((f) => !byName.has(f.name)).map((f) => f.name);
    if (missing.length)
      throw new FileFormatError(r.source, `the file has weights for layers the model lacks: ${missing.join(", ")}; model layers with weights: ${layers.map((l) => l.name).join(", ")}`);
    for (const f of file) pair(f, byName.get(f.name)!);
    return out;
  }
  if (file.length !== layers.length)
    throw new FileFormatError(r.source,
      `the file has weights for ${file.length} layers (${file.map((f) => f.name).join(", ")}), the model has ${layers.length} layers with weights ` +
        `(${layers.map((l) => l.name).join(", ")}), and the names do not all match; load into a model of the same architecture`);
  file.forEach((f, i) => pair(f, layers[i]));
  return out;
}

/** Writes `model`'s weights in the legacy layout under `group` ("/model_weights" or "/"). */
export function writeLegacyWeights(w: H5Writer, group: string, model: Layer, kerasVersion: string): void {
  const layers = model instanceof Model ? model.layers : [model];
  const base = group === "/" ? "" : group;
  if (base) w.group(base);
  w.attr(group, "backend", "tensorflow");
  w.attr(group, "keras_version", kerasVersion);
  w.attr(group, "layer_names", layers.map((l) => l.name));
  for (const l of layers) {
    const g = `${base}/${l.name}`;
    w.group(g);
    const ws = legacyWeights(l);
    const names = ws.map((x) => x.path);
    if (new Set(names).size !== names.length) throw new Error(`saving "${l.name}": two of its weights share the path ${names.join(", ")}`);
    w.attr(g, "weight_names", names);
    for (const x of ws) w.dataset(`${g}/${x.path}`, x.value.values, x.shape);
  }
  if (base) {
    w.group(`${base}/top_level_model_weights`);
    w.attr(`${base}/top_level_model_weights`, "weight_names", []);
  }
}
