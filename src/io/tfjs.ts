// TF.js layers models: model.json ({format: "layers-model", modelTopology: Keras 2 config,
// weightsManifest: [{paths, weights: [{name, shape, dtype, quantization?}]}]}) and binary weight shards,
// including uint8 / uint16 affine-quantized and float16 weights.
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Layer } from "../layers/layer.js";
import type { Model } from "../models/model.js";
import { Tensor } from "../tensor/tensor.js";
import { halfBitsToFloat32, floatToHalf, readRaw, utf8Decode, utf8Encode } from "./binary.js";
import { FileFormatError, check, checkedSize } from "./errors.js";
import { writeFileAtomic } from "./fs.js";
import { parseJson, modelFromKerasConfig } from "./keras-files.js";
import { toKerasConfig } from "./keras-export.js";
import { keras2WeightNames, planNamedWeights } from "./named-weights.js";
import { type Assignment, commit } from "./weights-map.js";

type Dict = Record<string, unknown>;

/** A TF.js model as read from disk: the parsed model.json and each manifest group's shards joined. */
export interface TfjsFiles {
  modelJson: Dict;
  /** One buffer per weightsManifest group: its shard files concatenated in order. */
  groups: Uint8Array[];
}

const MAX_MODEL_JSON = 256 * 1024 * 1024;
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function isDict(v: unknown): v is Dict {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The manifest groups of a model.json, checked: paths are plain file names. */
function manifest(json: Dict, source: string): { paths: string[]; weights: Dict[] }[] {
  const m = json.weightsManifest;
  check(Array.isArray(m), source, "model.json has no weightsManifest list");
  return m.map((g, i) => {
    check(isDict(g) && Array.isArray(g.paths) && Array.isArray(g.weights), source, `weightsManifest[${i}] must have "paths" and "weights" lists`);
    for (const p of g.paths)
      check(typeof p === "string" && p.length > 0 && !p.includes("..") && !p.startsWith("/") && !p.includes("\\"), source,
        `weightsManifest[${i}]: shard path ${JSON.stringify(p)} must be a file name beside model.json`);
    for (const w of g.weights) check(isDict(w), source, `weightsManifest[${i}]: each weight must be an object`);
    return { paths: g.paths as string[], weights: g.weights as Dict[] };
  });
}

/** Reads model.json and the weight shards it names (in the same directory). */
export async function readTfjsFiles(path: string): Promise<TfjsFiles> {
  let text: string;
  try {
    const b = await readFile(path);
    check(b.length <= MAX_MODEL_JSON, path, `model.json is too large (${b.length} bytes)`);
    text = utf8Decode(b);
  } catch (e) {
    if (e instanceof FileFormatError) throw e;
    throw new FileFormatError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const json = parseJson(text, path, "model.json");
  check(isDict(json), path, "model.json is not a JSON object");
  const dir = dirname(path);
  const groups: Uint8Array[] = [];
  for (const g of manifest(json, path)) {
    const parts: Uint8Array[] = [];
    for (const p of g.paths) {
      try {
        parts.push(await readFile(join(dir, p)));
      } catch (e) {
        throw new FileFormatError(path, `cannot read weight shard "${p}" (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    groups.push(concat(parts));
  }
  return { modelJson: json, groups };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The weights of a TF.js model by manifest name, dequantized to float32 (int32 and bool kept). */
export function decodeTfjsWeights(files: TfjsFiles, source: string): Map<string, Tensor> {
  const groups = manifest(files.modelJson, source);
  check(groups.length === files.groups.length, source, `the manifest has ${groups.length} groups, ${files.groups.length} shard buffers were given`);
  const out = new Map<string, Tensor>();
  groups.forEach((g, gi) => {
    const data = files.groups[gi];
    let at = 0;
    for (const w of g.weights) {
      const name = w.name;
      check(typeof name === "string", source, `weightsManifest[${gi}]: a weight has no name`);
      const where = `weight "${name}"`;
      check(Array.isArray(w.shape), source, `${where}: shape must be a list`);
      const count = checkedSize(w.shape, source, where);
      const dtype = w.dtype;
      const q = isDict(w.quantization) ? w.quantization : null;
      const stored = q ? q.dtype : dtype;
      check(typeof stored === "string" && BYTES[stored] !== undefined && (dtype === "float32" || dtype === "int32" || dtype === "bool"), source,
        `${where}: dtype ${JSON.stringify(dtype)}${q ? ` quantized as ${JSON.stringify(q.dtype)}` : ""} is not supported (float32, int32, bool; quantized uint8, uint16, float16)`);
      const n = count * BYTES[stored];
      check(at + n <= data.length, source, `truncated weights: ${where} needs bytes ${at}..${at + n}, the shards of group ${gi + 1} hold ${data.length}`);
      out.set(name, decodeOne(data, at, count, stored, dtype as string, q, w.shape as number[], source, where));
      at += n;
    }
    check(at === data.length, source, `the shards of group ${gi + 1} hold ${data.length} bytes, the manifest describes ${at}`);
  });
  return out;
}

function decodeOne(data: Uint8Array, at: number, count: number, stored: string, dtype: string, q: Dict | null, shape: number[], source: string, where: string): Tensor {
  if (stored === "float16") return new Tensor(halfBitsToFloat32(readRaw(data, at, count, "uint16") as Uint16Array), shape);
  if (stored === "uint8" || stored === "uint16") {
    check(q && typeof q.scale === "number" && typeof q.min === "number" && Number.isFinite(q.scale) && Number.isFinite(q.min), source,
      `${where}: ${stored} quantization needs numeric "scale" and "min"`);
    const raw = readRaw(data, at, count, stored) as Uint8Array | Uint16Array;
    const scale = q.scale as number;
    const min = q.min as number;
    if (dtype === "int32") return new Tensor(Int32Array.from(raw, (v) => Math.round(v * scale + min)), shape);
    return new Tensor(Float32Array.from(raw, (v) => v * scale + min), shape);
  }
  if (stored === "bool") return new Tensor(Uint8Array.from(readRaw(data, at, count, "uint8") as Uint8Array, (v) => (v ? 1 : 0)), shape, "bool");
  return new Tensor(readRaw(data, at, count, stored as "float32" | "int32") as Float32Array | Int32Array, shape);
}

/** The Keras config inside a model.json's modelTopology (with or without the model_config wrapper). */
function topology(json: Dict, source: string): { config: unknown; kerasVersion: 2 | 3 } {
  const t = json.modelTopology;
  check(isDict(t), source, 'model.json has no modelTopology: it is a weights manifest only (or a graph model, which deepts does not load)');
  check(json.format === undefined || json.format === "layers-model", source, `model.json format is ${JSON.stringify(json.format)}; deepts loads "layers-model" files (graph models are TensorFlow graphs, not Keras layers)`);
  const v = typeof t.keras_version === "string" ? Number.parseInt(t.keras_version, 10) : 2;
  return { config: isDict(t.model_config) ? t.model_config : t, kerasVersion: v >= 3 ? 3 : 2 };
}

/** A model (architecture and weights) from TF.js files. */
export function decodeTfjsModel(files: TfjsFiles, source: string): Model {
  const { config, kerasVersion } = topology(files.modelJson, source);
  const model = modelFromKerasConfig(config, { source, kerasVersion });
  commit(planTfjsWeights(files, source, model));
  return model;
}

/** Pairs a TF.js manifest's weights with `model`'s by name ("layer/weight"); nothing is assigned. */
export function planTfjsWeights(files: TfjsFiles, source: string, model: Layer, opts: { allowExtra?: boolean } = {}): Assignment[] {
  return planNamedWeights(source, model, decodeTfjsWeights(files, source), opts);
}

/** A TF.js model ready to write: model.json and its shard files. */
export interface TfjsEncoded {
  modelJson: Dict;
  shards: { name: string; bytes: Uint8Array }[];
}

/** Options of `encodeTfjsModel`. */
export interface TfjsWriteOptions {
  /** Store float weights as uint8 / uint16 (affine: value = q * scale + min) or float16. Default: float32. */
  quantize?: "uint8" | "uint16" | "float16";
  /** Largest shard file (default 4 MiB, as the TF.js converter). */
  shardBytes?: number;
  /** Shard file name stem (default "group1"). */
  stem?: string;
}

/** model.json (Keras 2 topology, as TF.js reads it) and weight shards for `model`. */
export function encodeTfjsModel(model: Model, opts: TfjsWriteOptions = {}): TfjsEncoded {
  const entries: Dict[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, w] of keras2WeightNames(model)) {
    const v = w.value;
    const entry: Dict = { name, shape: [...v.shape], dtype: v.dtype === "float64" ? "float32" : v.dtype };
    if (v.dtype === "bool" || v.dtype === "int32" || !opts.quantize) {
      parts.push(v.dtype === "float64" ? new Uint8Array(Float32Array.from(v.values).buffer) : new Uint8Array(v.values.slice().buffer));
    } else {
      const { bytes, quantization } = quantize(v.values as Float32Array | Float64Array, opts.quantize);
      entry.quantization = quantization;
      parts.push(bytes);
    }
    entries.push(entry);
  }
  const data = concat(parts);
  const max = opts.shardBytes ?? 4 * 1024 * 1024;
  const n = Math.max(1, Math.ceil(data.length / max));
  const stem = opts.stem ?? "group1";
  const shards = Array.from({ length: n }, (_, i) => ({ name: `${stem}-shard${i + 1}of${n}.bin`, bytes: data.subarray(i * max, Math.min(data.length, (i + 1) * max)) }));
  const modelJson: Dict = {
    format: "layers-model",
    generatedBy: "deepts",
    convertedBy: null,
    modelTopology: { keras_version: "2.15.0", backend: "tensorflow", model_config: toKerasConfig(model, 2) },
    weightsManifest: [{ paths: shards.map((s) => s.name), weights: entries }],
  };
  return { modelJson, shards };
}

function quantize(values: Float32Array | Float64Array, kind: "uint8" | "uint16" | "float16"): { bytes: Uint8Array; quantization: Dict } {
  if (kind === "float16") {
    const h = Uint16Array.from(values, (x) => floatToHalf(x));
    return { bytes: new Uint8Array(h.buffer), quantization: { dtype: "float16" } };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (values.length === 0) min = max = 0;
  const levels = kind === "uint8" ? 255 : 65535;
  const scale = max > min ? (max - min) / levels : 1;
  const q = kind === "uint8" ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.min(levels, Math.max(0, Math.round((values[i] - min) / scale)));
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype: kind, min, scale } };
}

/** Writes model.json at `path` and its shards beside it (each atomically; shards first). */
export async function writeTfjsFiles(path: string, enc: TfjsEncoded): Promise<void> {
  const dir = dirname(path);
  if (enc.shards.some((s) => s.name === basename(path))) throw new Error(`saving TF.js files: a shard would overwrite "${path}"`);
  for (const s of enc.shards) writeFileAtomic(join(dir, s.name), s.bytes);
  writeFileAtomic(path, utf8Encode(JSON.stringify(enc.modelJson)));
}
