// Keras 3 weights layout (.weights.h5, and model.weights.h5 inside .keras archives):
//   vars/                  the model's own variables (attribute name = the model's name)
//   layers/<key>/vars/0..n a layer's variables in creation order (attribute name = the layer's name)
//   layers/<key>/layers/…  the layers of a nested model
// <key> is Keras' snake_case class name with a counter ("conv2d", "conv2d_1"), not the layer's name:
// layers are matched by the `name` attribute, and by key only for files that lack it.
import type { Layer } from "../layers/layer.js";
import type { LayerWeight } from "../layers/weight.js";
import { Model } from "../models/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { FileFormatError } from "./errors.js";
import { H5Reader, H5Writer } from "./hdf5.js";
import { rawToTensor } from "./raw-tensor.js";
import { type Assignment, childLayers, kerasKeys, ownWeights, pairWeights } from "./weights-map.js";

/** The variables Keras 3 keeps in a layer's own `vars` group. */
function varsOf(layer: Layer): LayerWeight[] {
  return layer instanceof Model ? ownWeights(layer) : layer.weights;
}

/** The datasets vars/0, vars/1, ... of a group (stops at the first missing index). */
function readVars(r: H5Reader, prefix: string): Tensor[] {
  const g = r.group(`${prefix}/vars`);
  if (!g) return [];
  const keys = new Set(r.keys(`${prefix}/vars`));
  const out: Tensor[] = [];
  for (let i = 0; keys.has(String(i)); i++) {
    const path = `${prefix}/vars/${i}`;
    const a = r.dataset(path);
    out.push(rawToTensor(a.data, a.dtype, a.shape, r.source, `dataset "${path}"`));
  }
  return out;
}

function hasWeights(layer: Layer): boolean {
  return layer.weights.length > 0;
}

/** Pairs the weights of `layer` (and, for models, of its layers) with the file's groups under `prefix`. */
function planLayer(r: H5Reader, prefix: string, layer: Layer, label: string, out: Assignment[]): void {
  const own = varsOf(layer);
  const values = readVars(r, prefix);
  if (own.length > 0 || values.length > 0) out.push(...pairWeights(r.source, label, own, values));
  const children = childLayers(layer);
  if (children.length === 0) return;
  const fileKeys = r.group(`${prefix}/layers`) ? r.keys(`${prefix}/layers`) : [];
  const nameOf = new Map<string, string>(); // file key -> layer name (from the vars group's attribute)
  const keyOf = new Map<string, string>(); // layer name -> file key
  for (const k of fileKeys) {
    const n = r.group(`${prefix}/layers/${k}/vars`) ? r.stringAttr(`${prefix}/layers/${k}/vars`, "name") : undefined;
    if (n !== undefined) {
      nameOf.set(k, n);
      keyOf.set(n, k);
    }
  }
  const derived = kerasKeys(children);
  const claimed = new Set<string>();
  const unmatched: Layer[] = [];
  children.forEach((child) => {
    const key = keyOf.get(child.name);
    if (key !== undefined) {
      claimed.add(key);
      planLayer(r, `${prefix}/layers/${key}`, child, `layer "${child.name}"`, out);
    } else unmatched.push(child);
  });
  // Layers whose names differ from the file's (a model rebuilt in another session): Keras' own key rule.
  for (const child of unmatched) {
    const key = derived[children.indexOf(child)];
    if (fileKeys.includes(key) && !claimed.has(key)) {
      claimed.add(key);
      planLayer(r, `${prefix}/layers/${key}`, child, `layer "${child.name}"`, out);
    } else if (hasWeights(child))
      throw new FileFormatError(r.source,
        `${label}: layer "${child.name}" (${child.className}) has no weights in the file; the file holds layers ${[...nameOf.values()].map((n) => `"${n}"`).join(", ") || "(none)"}`);
  }
  for (const k of fileKeys)
    if (!claimed.has(k) && (readVars(r, `${prefix}/layers/${k}`).length > 0 || r.group(`${prefix}/layers/${k}/layers`)))
      throw new FileFormatError(r.source, `${label}: the file has weights for layer "${nameOf.get(k) ?? k}", which the model does not have`);
}

/** Reads a Keras 3 weights file (bytes) and pairs its values with `model`'s weights; nothing is assigned. */
export async function planKerasV3Weights(bytes: Uint8Array, source: string, model: Layer): Promise<Assignment[]> {
  const r = await H5Reader.open(bytes, source);
  try {
    const out: Assignment[] = [];
    planLayer(r, "", model, `model "${model.name}"`, out);
    return out;
  } finally {
    r.close();
  }
}

function writeLayer(w: H5Writer, prefix: string, layer: Layer): void {
  w.group(`${prefix}/vars`);
  w.attr(`${prefix}/vars`, "name", layer.name);
  varsOf(layer).forEach((v, i) => w.dataset(`${prefix}/vars/${i}`, v.value.values, v.shape));
  const children = childLayers(layer);
  if (children.length === 0) return;
  w.group(`${prefix}/layers`);
  const keys = kerasKeys(children);
  children.forEach((c, i) => writeLayer(w, `${prefix}/layers/${keys[i]}`, c));
}

/** The bytes of a Keras 3 weights file (.weights.h5 layout) holding `model`'s weights. */
export async function encodeKerasV3Weights(model: Layer): Promise<Uint8Array> {
  const w = await H5Writer.create();
  try {
    if (childLayers(model).length > 0) w.group("/layers");
    writeLayer(w, "", model);
    return w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}
