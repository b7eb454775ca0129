// Whole Keras model files: .keras archives (Keras 3: a zip of config.json, metadata.json and
// model.weights.h5) and legacy .h5 files (root attribute model_config plus model_weights/).
import { type Unzipped, unzipSync, zipSync } from "fflate";
import type { Layer } from "../layers/layer.js";
import { deserializeLayer } from "../layers/registry.js";
import { Model } from "../models/model.js";
import { utf8Decode, utf8Encode } from "./binary.js";
import { FileFormatError, check } from "./errors.js";
import { H5Reader, H5Writer } from "./hdf5.js";
import { type KerasContext, fromKerasConfig } from "./keras-config.js";
import { toKerasConfig } from "./keras-export.js";
import { encodeKerasV3Weights, planKerasV3Weights } from "./keras-weights-v3.js";
import { type LegacyLoadOptions, planLegacyWeights, writeLegacyWeights } from "./keras-weights-legacy.js";
import { type Assignment, commit } from "./weights-map.js";

/** The Keras version deepts writes into files (the one its configs are checked against). */
export const KERAS_VERSION = "3.15.1";
const MAX_ENTRY = 2 ** 31 - 1;
const MAX_CONFIG = 256 * 1024 * 1024;

/** Parses JSON text from a file, naming the file and the part on error. */
export function parseJson(text: string, source: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(source, `${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** The Keras generation a version string ("2.2.4", "3.15.1") belongs to. */
function generation(v: unknown): 2 | 3 | undefined {
  if (typeof v !== "string") return undefined;
  const major = Number.parseInt(v, 10);
  return major >= 3 ? 3 : major >= 1 ? 2 : undefined;
}

/** A model rebuilt from a Keras model config (layers created and connected, weights freshly initialized). */
export function modelFromKerasConfig(config: unknown, ctx: KerasContext): Model {
  const spec = fromKerasConfig(config, ctx);
  let layer: Layer;
  try {
    layer = deserializeLayer(spec);
  } catch (e) {
    if (e instanceof FileFormatError) throw e;
    throw new FileFormatError(ctx.source, `cannot rebuild the model from its config: ${(e as Error).message}`);
  }
  if (!(layer instanceof Model)) throw new FileFormatError(ctx.source, `the file holds a ${layer.className} layer, not a model`);
  return layer;
}

/** The entries of a zip archive whose names `want` accepts, with sizes checked before inflating. */
function unzip(bytes: Uint8Array, source: string, want: (name: string) => boolean): Unzipped {
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        if (!want(f.name)) return false;
        check(f.originalSize <= MAX_ENTRY, source, `zip entry "${f.name}" claims ${f.originalSize} bytes (over ${MAX_ENTRY})`);
        check(f.compression === 0 || f.compression === 8, source, `zip entry "${f.name}" uses compression method ${f.compression} (deepts reads stored and deflated entries)`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FileFormatError) throw e;
    throw new FileFormatError(source, `not a readable zip archive (${(e as Error).message})`);
  }
}

/** The parts of a .keras archive. */
export interface KerasArchive {
  config: unknown;
  metadata: Record<string, unknown>;
  weights: Uint8Array | null;
}

/** Reads the three parts of a .keras archive. */
export function readKerasArchive(bytes: Uint8Array, source: string): KerasArchive {
  check(bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b, source, "not a .keras archive (it is not a zip file)");
  const files = unzip(bytes, source, (n) => n === "config.json" || n === "metadata.json" || n === "model.weights.h5");
  const text = (name: string): string | undefined => {
    const b = files[name];
    if (!b) return undefined;
    check(b.length <= MAX_CONFIG, source, `${name} is too large (${b.length} bytes)`);
    try {
      return utf8Decode(b);
    } catch {
      throw new FileFormatError(source, `${name} is not valid UTF-8`);
    }
  };
  const configText = text("config.json");
  check(configText !== undefined, source, "the archive has no config.json: not a Keras 3 model file");
  const metaText = text("metadata.json");
  const metadata = metaText === undefined ? {} : parseJson(metaText, source, "metadata.json");
  return {
    config: parseJson(configText, source, "config.json"),
    metadata: typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {},
    weights: files["model.weights.h5"] ?? null,
  };
}

/** A model from the bytes of a .keras archive (architecture and weights). */
export async function decodeKerasArchive(bytes: Uint8Array, source: string): Promise<Model> {
  const a = readKerasArchive(bytes, source);
  const model = modelFromKerasConfig(a.config, { source: `${source} (config.json)`, kerasVersion: generation(a.metadata.keras_version) ?? 3 });
  if (a.weights) commit(await planKerasV3Weights(a.weights, `${source} (model.weights.h5)`, model));
  else if (model.weights.length > 0) throw new FileFormatError(source, "the archive has no model.weights.h5, but the model has weights");
  return model;
}

/** The bytes of a .keras archive holding `model` (readable by Keras 3). */
export async function encodeKerasArchive(model: Model): Promise<Uint8Array> {
  const config = { ...toKerasConfig(model, 3), compile_config: null };
  const now = new Date();
  const p = (n: number): string => String(n).padStart(2, "0");
  const date = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
  const metadata = { keras_version: KERAS_VERSION, date_saved: date, saved_by: "deepts" };
  const weights = await encodeKerasV3Weights(model);
  return zipSync(
    {
      "metadata.json": utf8Encode(JSON.stringify(metadata)),
      "config.json": utf8Encode(JSON.stringify(config)),
      "model.weights.h5": weights,
    },
    { level: 0 },
  );
}

/** A model from the bytes of a legacy Keras .h5 file (it must hold model_config: a whole-model file). */
export async function decodeKerasH5(bytes: Uint8Array, source: string, opts: LegacyLoadOptions = {}): Promise<Model> {
  const r = await H5Reader.open(bytes, source);
  try {
    const text = r.stringAttr("/", "model_config");
    check(text !== undefined, source,
      "the file has no model_config attribute: it holds weights only; build the model, then call model.loadWeights(path)");
    const kerasVersion = generation(r.stringAttr("/", "keras_version"));
    const model = modelFromKerasConfig(parseJson(text, source, "model_config"), { source, kerasVersion });
    const group = r.group("/model_weights") ? "/model_weights" : "/";
    commit(planLegacyWeights(r, group, model, opts));
    return model;
  } finally {
    r.close();
  }
}

/** The bytes of a legacy .h5 file: the whole model (model_config + model_weights/), or its weights only. */
export async function encodeKerasH5(model: Layer, opts: { weightsOnly?: boolean } = {}): Promise<Uint8Array> {
  const w = await H5Writer.create();
  try {
    if (opts.weightsOnly) writeLegacyWeights(w, "/", model, KERAS_VERSION);
    else {
      if (!(model instanceof Model)) throw new Error(`saving "${model.name}" as a model: it is a ${model.className} layer, not a model`);
      const { module: _m, registered_name: _r, build_config: _b, ...config } = toKerasConfig(model, 3);
      w.attr("/", "backend", "tensorflow");
      w.attr("/", "keras_version", KERAS_VERSION);
      w.attr("/", "model_config", JSON.stringify(config));
      writeLegacyWeights(w, "/model_weights", model, KERAS_VERSION);
    }
    return w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Reads weights from the bytes of an HDF5 weights file (Keras 3 .weights.h5 or legacy layout) for `model`. */
export async function planH5Weights(bytes: Uint8Array, source: string, model: Layer, opts: LegacyLoadOptions = {}): Promise<Assignment[]> {
  const r = await H5Reader.open(bytes, source);
  let legacyGroup: string | null = null;
  try {
    if (r.group("/model_weights")) legacyGroup = "/model_weights";
    else if (r.attrNames("/").some((n) => n === "layer_names" || n === "layer_names0")) legacyGroup = "/";
    if (legacyGroup) return planLegacyWeights(r, legacyGroup, model, opts);
  } finally {
    r.close();
  }
  return planKerasV3Weights(bytes, source, model);
}
