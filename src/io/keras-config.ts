// Keras model configs (2.x and 3.x JSON, snake_case) to deepts' serialized form (camelCase), for
// `deserializeLayer`: layers, initializers / regularizers / constraints, dtype policies, and the topology
// of Sequential and Functional models (both inbound-node formats).
import { registeredLayers } from "../layers/registry.js";
import type { SerializedObject } from "../layers/serialize.js";
import type { HistoryRef, LayerEntry, NodeConfig, TensorRef } from "../models/functional-config.js";
import { FileFormatError } from "./errors.js";
import { CLASS_ALIASES, IGNORED_KEYS, snakeToCamel } from "./keras-names.js";

type Dict = Record<string, unknown>;

/** Where a config comes from, for error messages, and which Keras generation wrote it. */
export interface KerasContext {
  /** The file (or description) named in errors. */
  source: string;
  /** 2 for Keras 2.x / TF.js configs, 3 for Keras 3; guessed from the config when omitted. */
  kerasVersion?: 2 | 3;
}

const MAX_DEPTH = 64;

function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function classNameOf(v: Dict): string | undefined {
  const c = v.class_name ?? v.className;
  return typeof c === "string" ? c : undefined;
}

/** True when `v` looks like a serialized Keras object: `{class_name, config}`. */
function isSerialized(v: unknown): v is Dict {
  return isDict(v) && classNameOf(v) !== undefined && "config" in v;
}

/** Guesses the Keras generation of a model config: Keras 3 writes "module" keys and {args, kwargs} nodes. */
export function guessKerasVersion(config: unknown): 2 | 3 {
  const text = JSON.stringify(config);
  return /"module":|"registered_name":|"__keras_tensor__"/.test(text) ? 3 : 2;
}

class Translator {
  private readonly known = new Set(registeredLayers());

  constructor(
    readonly source: string,
    readonly version: 2 | 3,
  ) {}

  fail(msg: string): never {
    throw new FileFormatError(this.source, msg);
  }

  /** A dtype given as a string or a (mixed-precision) policy object. */
  dtype(v: unknown, where: string): string | undefined {
    if (v === null || v === undefined) return undefined;
    const name = typeof v === "string" ? v : isSerialized(v) && isDict(v.config) ? v.config.name : undefined;
    if (typeof name !== "string") this.fail(`${where}: unreadable dtype ${JSON.stringify(v).slice(0, 120)}`);
    if (name === "float32" || name === "float64" || name === "int32" || name === "bool") return name;
    if (name === "mixed_float16" || name === "mixed_bfloat16" || name === "float16" || name === "bfloat16")
      this.fail(`${where}: dtype policy "${name}" is not supported (deepts computes in float32 or float64); set the model's dtype to float32 before saving`);
    this.fail(`${where}: unsupported dtype "${name}"`);
  }

  /** A value inside a layer config: nested serialized objects are translated, plain data kept. */
  value(v: unknown, where: string, depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`${where}: config nested too deeply`);
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${where}[${i}]`, depth + 1));
    if (!isDict(v)) return v;
    if (!isSerialized(v)) {
      const out: Dict = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.value(x, `${where}.${k}`, depth + 1);
      return out;
    }
    const cls = classNameOf(v)!;
    if (cls === "DTypePolicy" || cls === "Policy" || cls === "DTypePolicyMap") return this.dtype(v, where);
    // Keras 3 writes plain functions (activations) as {class_name: "function", config: "relu"}.
    if (cls === "function" || typeof v.config === "string") return v.config;
    if (this.isLayerClass(cls, v)) return this.layer(v, where, depth + 1);
    const config = isDict(v.config) ? v.config : {};
    const out: Dict = {};
    for (const [k, x] of Object.entries(config)) out[snakeToCamel(k)] = this.value(x, `${where}.${k}`, depth + 1);
    return { className: cls, config: out } satisfies SerializedObject;
  }

  private isLayerClass(cls: string, v: Dict): boolean {
    const mod = typeof v.module === "string" ? v.module : "";
    return this.known.has(CLASS_ALIASES[cls] ?? cls) || mod.startsWith("keras.layers") || mod.startsWith("keras.src.layers") || mod.startsWith("keras.src.models");
  }

  /** A layer's `{class_name, config}` (any nesting: models inside models) to deepts' `{className, config}`. */
  layer(spec: Dict, where: string, depth = 0): SerializedObject {
    const raw = classNameOf(spec);
    if (!raw) this.fail(`${where}: layer entry without class_name`);
    const cls = CLASS_ALIASES[raw] ?? raw;
    const cfg = spec.config;
    const name = isDict(cfg) && typeof cfg.name === "string" ? cfg.name : typeof spec.name === "string" ? spec.name : "?";
    const label = `layer "${name}" (${raw})`;
    if (!this.known.has(cls))
      this.fail(
        `unknown layer class "${raw}" (layer "${name}"): deepts has no such layer. Define it as a Layer subclass with ` +
          `static className = "${raw}" and a fromConfig that reads camelCase keys, and call registerLayer(YourClass) before loading. ` +
          `Known classes: ${[...this.known].sort().join(", ")}`,
      );
    if (cls === "Lambda")
      this.fail(`${label}: Lambda layers hold Python code, which deepts cannot load; replace the layer by a registered custom layer of another class name`);
    if (cls === "Sequential") return { className: cls, config: this.sequential(cfg, label, depth) };
    if (cls === "Functional") return { className: cls, config: this.functional(cfg, label, depth) };
    if (!isDict(cfg)) this.fail(`${label}: config must be an object`);
    return { className: cls, config: this.layerConfig(cls, cfg, label, depth) };
  }

  private layerConfig(cls: string, cfg: Dict, label: string, depth: number): Dict {
    const out: Dict = {};
    for (const [k, v] of Object.entries(cfg)) {
      const ignore = IGNORED_KEYS[k];
      if (ignore) {
        if (!ignore.includes(v) && v !== undefined) this.fail(`${label}: option ${k}=${JSON.stringify(v)} is not supported by deepts`);
        continue;
      }
      if (k === "dtype") {
        const d = this.dtype(v, label);
        if (d !== undefined) out.dtype = d;
      } else if (k === "data_format" && typeof v === "string") out.dataFormat = v === "channels_first" ? "channelsFirst" : v === "channels_last" ? "channelsLast" : v;
      else out[snakeToCamel(k)] = this.value(v, `${label}.${k}`, depth + 1);
    }
    if (cls === "InputLayer") {
      const shape = out.batchShape ?? out.batchInputShape;
      delete out.batchInputShape;
      if (shape !== undefined) out.batchShape = shape;
      else if (Array.isArray(out.shape)) out.batchShape = [null, ...out.shape];
      delete out.shape;
      delete out.inputShape;
      delete out.trainable;
    }
    if (cls === "BatchNormalization" && Array.isArray(out.axis) && out.axis.length === 1) out.axis = out.axis[0];
    if (cls === "LeakyReLU" && out.alpha !== undefined && out.negativeSlope === undefined) {
      out.negativeSlope = out.alpha;
      delete out.alpha;
    }
    return out;
  }

  private sequential(cfg: unknown, label: string, depth: number): Dict {
    // Keras up to 2.1 wrote a Sequential config as the bare list of its layers.
    const c: Dict = Array.isArray(cfg) ? { layers: cfg } : isDict(cfg) ? cfg : this.fail(`${label}: config must be an object`);
    if (!Array.isArray(c.layers)) this.fail(`${label}: config has no "layers" list`);
    const out: Dict = { layers: c.layers.map((l, i) => (isDict(l) ? this.layer(l, `${label} layer ${i}`, depth + 1) : this.fail(`${label}: layer ${i} is not an object`))) };
    if (typeof c.name === "string") out.name = c.name;
    if (typeof c.trainable === "boolean") out.trainable = c.trainable;
    if (Array.isArray(c.build_input_shape)) out.buildInputShape = c.build_input_shape;
    return out;
  }

  private functional(cfg: unknown, label: string, depth: number): Dict {
    if (!isDict(cfg) || !Array.isArray(cfg.layers)) this.fail(`${label}: config has no "layers" list`);
    // Keras counts a nested model's own first node (its inputs to its outputs) in node indices, which deepts
    // models do not have: Keras 2 for every nested model, everywhere; Keras 3 for Functional models (not
    // Sequential ones), in input_layers / output_layers only (its inbound nodes keep the raw call index).
    const offset = new Set<string>();
    for (const e of cfg.layers) {
      if (!isDict(e)) continue;
      const cls = classNameOf(e);
      const c = cls ? CLASS_ALIASES[cls] ?? cls : "";
      const name = typeof e.name === "string" ? e.name : isDict(e.config) && typeof e.config.name === "string" ? e.config.name : undefined;
      if (name && (c === "Functional" || (this.version === 2 && c === "Sequential"))) offset.add(name);
    }
    const nodeOffset = this.version === 2 ? offset : new Set<string>();
    const layers: LayerEntry[] = cfg.layers.map((e, i) => {
      if (!isDict(e)) this.fail(`${label}: layer entry ${i} is not an object`);
      const s = this.layer(e, `${label} layer ${i}`, depth + 1);
      const name = typeof e.name === "string" ? e.name : (s.config.name as string | undefined);
      if (typeof name !== "string") this.fail(`${label}: layer entry ${i} has no name`);
      const nodes = e.inbound_nodes ?? [];
      if (!Array.isArray(nodes)) this.fail(`layer "${name}": inbound_nodes must be a list`);
      return { ...s, name, inboundNodes: nodes.map((n, k) => this.node(n, `layer "${name}" node ${k}`, nodeOffset)) };
    });
    const out: Dict = {
      layers,
      inputLayers: this.endpoints(cfg.input_layers, `${label} input_layers`, offset),
      outputLayers: this.endpoints(cfg.output_layers, `${label} output_layers`, offset),
    };
    if (typeof cfg.name === "string") out.name = cfg.name;
    if (typeof cfg.trainable === "boolean") out.trainable = cfg.trainable;
    return out;
  }

  private history(v: unknown, where: string, offset: ReadonlySet<string>): HistoryRef {
    if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== "string" || !Number.isInteger(v[1]) || !Number.isInteger(v[2]) || (v[1] as number) < 0 || (v[2] as number) < 0)
      this.fail(`${where}: expected [layer name, node index, tensor index], got ${JSON.stringify(v).slice(0, 120)}`);
    const node = (v[1] as number) - (offset.has(v[0]) ? 1 : 0);
    if (node < 0) this.fail(`${where}: node index ${v[1] as number} of nested model "${v[0]}" refers to the model's own input node`);
    return [v[0], node, v[2] as number];
  }

  private tensorRef(h: HistoryRef): TensorRef {
    return { className: "__keras_tensor__", config: { shape: [], dtype: "float32", kerasHistory: h } };
  }

  private kerasTensor(v: unknown, offset: ReadonlySet<string>): HistoryRef | null {
    if (!isDict(v) || classNameOf(v) !== "__keras_tensor__" || !isDict(v.config)) return null;
    return this.history(v.config.keras_history ?? v.config.kerasHistory, "__keras_tensor__", offset);
  }

  /** One call of a layer: Keras 2's [[name, node, tensor, kwargs], ...] or Keras 3's {args, kwargs}. */
  private node(n: unknown, where: string, offset: ReadonlySet<string>): NodeConfig {
    if (Array.isArray(n)) {
      if (n.length === 0) this.fail(`${where}: empty inbound node`);
      const refs = n.map((t, i) => this.history(t, `${where} input ${i}`, offset));
      const kw = n[0][3];
      const kwargs: Dict = isDict(kw) && typeof kw.training === "boolean" ? { training: kw.training } : {};
      return { args: [refs.length === 1 ? this.tensorRef(refs[0]) : refs.map((r) => this.tensorRef(r))], kwargs };
    }
    if (!isDict(n) || !Array.isArray(n.args) || n.args.length === 0) this.fail(`${where}: expected {args, kwargs} with at least one argument`);
    if (n.args.length > 1) this.fail(`${where}: the layer is called with ${n.args.length} positional arguments; deepts layers take one input (a tensor or a list)`);
    const a = n.args[0];
    let arg: TensorRef | TensorRef[];
    const one = this.kerasTensor(a, offset);
    if (one) arg = this.tensorRef(one);
    else if (Array.isArray(a)) arg = a.map((t, i) => this.tensorRef(this.kerasTensor(t, offset) ?? this.fail(`${where}: input ${i} is not a tensor`)));
    else this.fail(`${where}: unsupported call argument ${JSON.stringify(a).slice(0, 120)} (dict inputs are not supported)`);
    const kwargs: Dict = {};
    const kw = isDict(n.kwargs) ? n.kwargs : {};
    for (const [k, v] of Object.entries(kw)) {
      if (k === "training") {
        if (typeof v === "boolean") kwargs.training = v;
      } else if (k !== "mask" || v !== null) {
        if (JSON.stringify(v).includes("__keras_tensor__")) this.fail(`${where}: keyword argument "${k}" is a tensor, which deepts does not support`);
      }
    }
    return { args: [arg], kwargs };
  }

  /** A model's input_layers / output_layers: one [name, node, tensor] or a list of them. */
  private endpoints(v: unknown, where: string, offset: ReadonlySet<string>): HistoryRef | HistoryRef[] {
    if (isDict(v)) this.fail(`${where}: dict inputs/outputs are not supported`);
    if (!Array.isArray(v) || v.length === 0) this.fail(`${where}: expected [layer, node, tensor] or a list of them`);
    if (!Array.isArray(v[0])) return this.history(v, where, offset);
    const list = v.map((x, i) => this.history(x, `${where}[${i}]`, offset));
    // Keras 2 always wrote lists; one input meant a single tensor.
    return this.version === 2 && list.length === 1 ? list[0] : list;
  }
}

/**
 * A Keras model or layer config (`model_config` of an .h5 file, config.json of a .keras file, a TF.js
 * modelTopology's model_config) as deepts' `{className, config}`, ready for `deserializeLayer`.
 * Unknown layer classes get an error naming the class and `ctx.source`; register custom ones with `registerLayer`.
 */
export function fromKerasConfig(config: unknown, ctx: KerasContext): SerializedObject {
  if (!isDict(config)) throw new FileFormatError(ctx.source, "model config must be a JSON object with class_name and config");
  const t = new Translator(ctx.source, ctx.kerasVersion ?? guessKerasVersion(config));
  return t.layer(config, "model");
}
