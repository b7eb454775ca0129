// deepts layers and models to Keras JSON configs: Keras 3's layout (module / class_name / config /
// registered_name, {args, kwargs} nodes) for .keras and .h5 files, Keras 2's for TF.js model.json files.
import type { Layer, LayerConfig } from "../layers/layer.js";
import { InputLayer } from "../layers/input-layer.js";
import type { HistoryRef, LayerEntry, NodeConfig, TensorRef } from "../models/functional-config.js";
import { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import { KERAS_LAYER_CLASSES, camelToSnake, moduleForKey } from "./keras-names.js";

type Dict = Record<string, unknown>;
export type KerasVersion = 2 | 3;

function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function dtypePolicy(name: unknown): Dict {
  return { module: "keras", class_name: "DTypePolicy", config: { name }, registered_name: null };
}

/** A nested `{className, config}` (initializer, regularizer, constraint) in Keras' spelling. */
function serialized(v: Dict, key: string, version: KerasVersion): Dict {
  const config: Dict = {};
  for (const [k, x] of Object.entries(isDict(v.config) ? v.config : {})) config[camelToSnake(k)] = plain(x, k, version);
  if (version === 2) {
    // Keras 2 (and TF.js) know one weight-penalty class, L1L2.
    if (v.className === "L1" || v.className === "L2") return { class_name: "L1L2", config: { l1: config.l1 ?? 0, l2: config.l2 ?? 0 } };
    return { class_name: v.className, config };
  }
  return { module: moduleForKey(key), class_name: v.className, config, registered_name: null };
}

function plain(v: unknown, key: string, version: KerasVersion): unknown {
  if (Array.isArray(v)) return v.map((x) => plain(x, key, version));
  if (isDict(v) && typeof v.className === "string" && "config" in v) return serialized(v, key, version);
  return v;
}

// Layers whose Keras 3 constructors take fewer base keywords (SpatialDropout2D has no **kwargs).
const STRING_DTYPE = new Set(["InputLayer", "SpatialDropout2D"]);
const OMITTED: Record<string, string[]> = { SpatialDropout2D: ["trainable"] };

/** A plain layer's config (camelCase from getConfig) with Keras' keys and values. */
export function kerasLayerConfig(className: string, config: LayerConfig, version: KerasVersion): Dict {
  const out: Dict = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    if (k === "batchInputShape" || k === "inputShape" || k === "batchSize") continue; // the InputLayer carries shapes
    if (OMITTED[className]?.includes(k)) continue;
    if (k === "dtype") out.dtype = version === 3 && !STRING_DTYPE.has(className) ? dtypePolicy(v) : v;
    else if (k === "dataFormat") out.data_format = v === "channelsFirst" ? "channels_first" : "channels_last";
    else out[camelToSnake(k)] = plain(v, k, version);
  }
  if (className === "InputLayer") {
    const shape = out.batch_shape;
    delete out.batch_shape;
    if (version === 3) Object.assign(out, { batch_shape: shape, sparse: false, ragged: false });
    else Object.assign(out, { batch_input_shape: shape, sparse: false });
  }
  if (className === "LeakyReLU" && version === 2) {
    out.alpha = out.negative_slope;
    delete out.negative_slope;
  }
  return out;
}

/** Names of nested models whose node indices Keras counts from 1 (their own input node is node 0). */
type Offsets = ReadonlySet<string>;

function historyJson(h: HistoryRef, offset: Offsets): [string, number, number] {
  return [h[0], h[1] + (offset.has(h[0]) ? 1 : 0), h[2]];
}

function tensorJson(t: TensorRef, version: KerasVersion, offset: Offsets): unknown {
  const h = historyJson(t.config.kerasHistory, offset);
  if (version === 2) return [...h, {}];
  return { class_name: "__keras_tensor__", config: { shape: t.config.shape, dtype: t.config.dtype, keras_history: h } };
}

function nodeJson(n: NodeConfig, version: KerasVersion, offset: Offsets): unknown {
  const arg = n.args[0];
  if (version === 2) {
    const refs = (Array.isArray(arg) ? arg : [arg]).map((t) => tensorJson(t, 2, offset) as unknown[]);
    if (n.kwargs.training !== undefined) for (const r of refs) r[3] = { training: n.kwargs.training };
    return refs;
  }
  return { args: [Array.isArray(arg) ? arg.map((t) => tensorJson(t, 3, offset)) : tensorJson(arg, 3, offset)], kwargs: { ...n.kwargs } };
}

function buildConfig(layer: Layer): Dict | undefined {
  return layer.buildInputShape ? { input_shape: layer.buildInputShape } : undefined;
}

/**
 * The Keras JSON of a layer or model: `{module, class_name, config, registered_name, build_config}` (Keras 3)
 * or `{class_name, config}` (Keras 2, as TF.js reads it).
 */
export function toKerasConfig(layer: Layer, version: KerasVersion = 3): Dict {
  const cls = layer.className;
  if (layer instanceof Sequential) return sequentialJson(layer, version);
  if (layer instanceof Model) return functionalJson(layer, version);
  const config = kerasLayerConfig(cls, layer.getConfig(), version);
  if (version === 2) return { class_name: cls, config };
  const out: Dict = { module: KERAS_LAYER_CLASSES.has(cls) ? "keras.layers" : null, class_name: cls, config, registered_name: KERAS_LAYER_CLASSES.has(cls) ? null : cls };
  const b = buildConfig(layer);
  if (b && !(layer instanceof InputLayer)) out.build_config = b;
  return out;
}

function functionalJson(model: Model, version: KerasVersion): Dict {
  const cfg = model.getConfig();
  const entries = cfg.layers as LayerEntry[] | undefined;
  if (!Array.isArray(entries)) throw new Error(`${model.className} "${model.name}": only models built from Input() and layer calls can be saved with their architecture; save the weights instead`);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  // Keras counts a nested model's own input node in node indices: Keras 2 for every nested model, everywhere;
  // Keras 3 for Functional ones, in input_layers / output_layers only (see keras-config.ts).
  const offset = new Set(model.layers.filter((l) => l instanceof Model && (version === 2 || !(l instanceof Sequential))).map((l) => l.name));
  const nodeOffset = version === 2 ? offset : new Set<string>();
  const layers = entries.map((e) => {
    const layer = byName.get(e.name)!;
    const json = toKerasConfig(layer, version);
    const nodes = e.inboundNodes.map((n) => nodeJson(n, version, nodeOffset));
    return version === 2 ? { name: e.name, class_name: json.class_name, config: json.config, inbound_nodes: nodes } : { ...json, name: e.name, inbound_nodes: nodes };
  });
  const ends = (v: unknown): unknown => {
    const refs = Array.isArray((v as unknown[])[0]) ? (v as HistoryRef[]).map((h) => historyJson(h, offset)) : historyJson(v as HistoryRef, offset);
    return version === 2 && !Array.isArray(refs[0]) ? [refs] : refs;
  };
  const config = { name: cfg.name, trainable: cfg.trainable, layers, input_layers: ends(cfg.inputLayers), output_layers: ends(cfg.outputLayers) };
  if (version === 2) return { class_name: "Model", config };
  return { module: "keras.src.models.functional", class_name: "Functional", config, registered_name: "Functional", build_config: { input_shape: null } };
}

function sequentialJson(model: Sequential, version: KerasVersion): Dict {
  const cfg = model.getConfig();
  const specs = (cfg.layers ?? []) as { className: string; config: LayerConfig }[];
  const input = specs[0]?.className === "InputLayer" ? specs[0].config : null;
  const layers: Dict[] = [];
  if (version === 3 && input) layers.push({ module: "keras.layers", class_name: "InputLayer", config: kerasLayerConfig("InputLayer", input, 3), registered_name: null });
  model.layers.forEach((l, i) => {
    const json = toKerasConfig(l, version);
    // Keras 2 (and TF.js) give the input shape to the first layer rather than an InputLayer entry.
    if (version === 2 && i === 0 && input) (json.config as Dict).batch_input_shape = input.batchShape;
    layers.push(json);
  });
  const config: Dict = { name: cfg.name, trainable: cfg.trainable, layers };
  if (cfg.buildInputShape) config.build_input_shape = cfg.buildInputShape;
  if (version === 2) return { class_name: "Sequential", config };
  config.dtype = dtypePolicy(model.dtype);
  const out: Dict = { module: "keras", class_name: "Sequential", config, registered_name: null };
  const b = buildConfig(model);
  if (b) out.build_config = b;
  return out;
}
