// The public file API: loadModel / saveModel and the Model methods save, loadWeights and saveWeights,
// choosing the format by file name.
import { readFile } from "node:fs/promises";
import type { Layer } from "../layers/layer.js";
import type { Model } from "../models/model.js";
import { FileFormatError } from "./errors.js";
import { writeFileAtomic } from "./fs.js";
import { decodeKerasArchive, decodeKerasH5, encodeKerasArchive, encodeKerasH5, planH5Weights, readKerasArchive } from "./keras-files.js";
import { encodeKerasV3Weights, planKerasV3Weights } from "./keras-weights-v3.js";
import type { LegacyLoadOptions } from "./keras-weights-legacy.js";
import { namedWeights, planNamedWeights } from "./named-weights.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { decodeTfjsModel, encodeTfjsModel, planTfjsWeights, readTfjsFiles, writeTfjsFiles } from "./tfjs.js";
import { type Assignment, commit } from "./weights-map.js";

type Kind = "keras" | "h5" | "weights.h5" | "tfjs" | "safetensors";

function kindOf(path: string, what: string, allowed: Kind[]): Kind {
  const p = path.toLowerCase();
  const kind: Kind | null = p.endsWith(".keras") ? "keras"
    : p.endsWith(".weights.h5") ? "weights.h5"
    : p.endsWith(".h5") || p.endsWith(".hdf5") || p.endsWith(".keras.h5") ? "h5"
    : p.endsWith(".json") ? "tfjs"
    : p.endsWith(".safetensors") ? "safetensors"
    : null;
  if (!kind || !allowed.includes(kind))
    throw new Error(`${what}: cannot tell the format of "${path}" from its name; use one of ${allowed.map((k) => (k === "tfjs" ? "model.json (TF.js)" : `.${k}`)).join(", ")}`);
  return kind;
}

async function read(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new FileFormatError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Options of `loadModel` and `loadWeights`. */
export interface LoadOptions extends LegacyLoadOptions {
  /** safetensors / TF.js: ignore weights in the file that the model does not have. */
  allowExtra?: boolean;
}

/**
 * Loads a model (architecture and weights) from a Keras 3 `.keras` archive, a legacy Keras `.h5` file
 * (Keras 2 or 3), or a TF.js `model.json` (with its weight shards beside it).
 *
 * @example
 * const model = await loadModel("mnist.keras");
 * model.predict(x);
 */
export async function loadModel(path: string, opts: LoadOptions = {}): Promise<Model> {
  const kind = kindOf(path, "loadModel", ["keras", "h5", "tfjs", "weights.h5", "safetensors"]);
  if (kind === "weights.h5" || kind === "safetensors")
    throw new Error(`loadModel: "${path}" holds weights only; build the model, then call model.loadWeights("${path}")`);
  if (kind === "tfjs") return decodeTfjsModel(await readTfjsFiles(path), path);
  const bytes = await read(path);
  return kind === "keras" ? decodeKerasArchive(bytes, path) : decodeKerasH5(bytes, path, opts);
}

/**
 * Saves `model` by file name: `.keras` (Keras 3 archive), `.h5` (legacy Keras HDF5) or `model.json`
 * (TF.js layers format, with a `.bin` weight shard beside it). Writes are atomic.
 *
 * @example
 * await saveModel(model, "out/model.keras");
 */
export async function saveModel(model: Model, path: string, opts: { tfjsQuantize?: "uint8" | "uint16" | "float16" } = {}): Promise<void> {
  const kind = kindOf(path, "saveModel", ["keras", "h5", "tfjs"]);
  if (kind === "tfjs") return writeTfjsFiles(path, encodeTfjsModel(model, { quantize: opts.tfjsQuantize }));
  writeFileAtomic(path, kind === "keras" ? await encodeKerasArchive(model) : await encodeKerasH5(model));
}

/**
 * Loads weights into an existing model from `.weights.h5` (Keras 3), `.h5` (legacy, whole-model or
 * weights-only files such as the Keras applications' downloads), `.keras`, `.safetensors` or TF.js `model.json`.
 * Every weight is checked before any is assigned, so a bad file leaves the model unchanged.
 *
 * @example
 * await loadWeights(model, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5");
 */
export async function loadWeights(model: Layer, path: string, opts: LoadOptions = {}): Promise<void> {
  const kind = kindOf(path, "loadWeights", ["weights.h5", "h5", "keras", "safetensors", "tfjs"]);
  let plan: Assignment[];
  if (kind === "tfjs") plan = planTfjsWeights(await readTfjsFiles(path), path, model, opts);
  else {
    const bytes = await read(path);
    if (kind === "keras") {
      const a = readKerasArchive(bytes, path);
      if (!a.weights) throw new FileFormatError(path, "the archive has no model.weights.h5");
      plan = await planKerasV3Weights(a.weights, `${path} (model.weights.h5)`, model);
    } else if (kind === "safetensors") plan = planNamedWeights(path, model, decodeSafetensors(bytes, path).tensors, opts);
    else plan = await planH5Weights(bytes, path, model, opts);
  }
  commit(plan);
}

/**
 * Saves the weights of `model` by file name: `.weights.h5` (Keras 3 layout), `.h5` (legacy layout) or
 * `.safetensors` (flat names "layer/weight").
 *
 * @example
 * await saveWeights(model, "ckpt.weights.h5");
 */
export async function saveWeights(model: Layer, path: string): Promise<void> {
  const kind = kindOf(path, "saveWeights", ["weights.h5", "h5", "safetensors"]);
  let bytes: Uint8Array;
  if (kind === "safetensors") {
    const tensors = new Map([...namedWeights(model)].map(([k, w]) => [k, w.value]));
    bytes = encodeSafetensors(tensors, { format: "deepts" });
  } else if (kind === "weights.h5") bytes = await encodeKerasV3Weights(model);
  else bytes = await encodeKerasH5(model, { weightsOnly: true });
  writeFileAtomic(path, bytes);
}
