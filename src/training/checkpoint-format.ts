// deepts' own checkpoint file, written by ModelCheckpoint until the Keras formats (.keras, .h5) land.
//
// Layout (all integers little-endian):
//   bytes 0..7    ASCII magic "DEEPTSCK"
//   bytes 8..11   uint32 H: byte length of the header
//   bytes 12..    H bytes of UTF-8 JSON: {
//                   format: "deepts-checkpoint", version: 1,
//                   model: {className, config} | null      (the architecture, unless weights only)
//                   weights: [{path, name, shape, dtype, offset, byteLength}, ...]   (in model.weights order)
//                   meta: {...}                              (free-form: epoch, logs)
//                 }
//   then zero padding to a multiple of 8, then the data section: each weight's values, row-major,
//   little-endian float32 (int32 / float64 for those dtypes), at `offset` bytes from the section start
//   (offsets are multiples of 8).
// Files are written atomically: to a temporary file in the same directory, then renamed over the target.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Model } from "../models/model.js";
import { serializeLayer } from "../layers/registry.js";
import type { SerializedObject } from "../layers/serialize.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";

const MAGIC = "DEEPTSCK";
const FORMAT = "deepts-checkpoint";
const VERSION = 1;

export interface CheckpointWeightEntry {
  path: string;
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
  byteLength: number;
}

export interface CheckpointHeader {
  format: typeof FORMAT;
  version: number;
  model: SerializedObject | null;
  weights: CheckpointWeightEntry[];
  meta: Record<string, unknown>;
}

/** A weight to store: its path and name (for reading the file) and its value. */
export interface NamedTensor {
  path: string;
  name: string;
  value: Tensor;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The bytes of a checkpoint holding `weights` (and the architecture `model`, when given). */
export function encodeCheckpoint(weights: readonly NamedTensor[], model: SerializedObject | null = null, meta: Record<string, unknown> = {}): Uint8Array {
  let offset = 0;
  const entries: CheckpointWeightEntry[] = weights.map((w) => {
    if (w.value.dtype === "bool") throw new Error(`checkpoint: weight "${w.path}" is bool; only float32, float64 and int32 weights can be saved`);
    const byteLength = w.value.values.byteLength;
    const e = { path: w.path, name: w.name, shape: [...w.value.shape], dtype: w.value.dtype, offset, byteLength };
    offset = align8(offset + byteLength);
    return e;
  });
  const header: CheckpointHeader = { format: FORMAT, version: VERSION, model, weights: entries, meta };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(12 + json.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  if (!littleEndian()) throw new Error("checkpoint: big-endian hosts are not supported");
  weights.forEach((w, i) => {
    const v = w.value.values;
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), dataStart + entries[i].offset);
  });
  return out;
}

/** Reads a checkpoint's header and weights. */
export function decodeCheckpoint(bytes: Uint8Array, source = "checkpoint"): { header: CheckpointHeader; weights: Tensor[] } {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < 12 || magic !== MAGIC) throw new Error(`${source}: not a deepts checkpoint (expected the magic "${MAGIC}" at the start)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as CheckpointHeader;
  if (header.format !== FORMAT || header.version !== VERSION)
    throw new Error(`${source}: unsupported checkpoint format ${header.format} version ${header.version}; this build reads ${FORMAT} version ${VERSION}`);
  const dataStart = align8(12 + n);
  const weights = header.weights.map((e) => {
    const start = dataStart + e.offset;
    if (start + e.byteLength > bytes.length) throw new Error(`${source}: truncated file (weight "${e.path}" runs past the end)`);
    // A copy into its own buffer (a Node Buffer's slice is a view of a shared pool).
    const copy = new Uint8Array(bytes.subarray(start, start + e.byteLength));
    const values =
      e.dtype === "int32" ? new Int32Array(copy.buffer) : e.dtype === "float64" ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
    return new Tensor(values, e.shape, e.dtype);
  });
  return { header, weights };
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Writes `data` to `path` atomically: a temporary file in the same directory, flushed, then renamed. */
export function writeFileAtomic(path: string, data: Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const fd = openSync(tmp, "w");
  try {
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves `model`'s weights (and, unless `weightsOnly`, its architecture) to `path` in deepts' checkpoint
 * format, atomically.
 */
export function saveCheckpoint(model: Model, path: string, opts: { weightsOnly?: boolean; meta?: Record<string, unknown> } = {}): void {
  const weights = model.weights.map((w) => ({ path: w.path, name: w.name, value: w.value }));
  let config: SerializedObject | null = null;
  if (!opts.weightsOnly) {
    try {
      config = serializeLayer(model);
    } catch (e) {
      throw new Error(`saveCheckpoint: cannot serialize the architecture of ${model.className} "${model.name}" (${(e as Error).message}); save with weightsOnly: true`);
    }
  }
  writeFileAtomic(path, encodeCheckpoint(weights, config, opts.meta ?? {}));
}

/** Loads weights saved by saveCheckpoint into `model` (in `model.weights` order; counts and shapes must match). */
export function loadCheckpoint(model: Model, path: string): CheckpointHeader {
  const { header, weights } = decodeCheckpoint(readFileSync(path), path);
  const ws = model.weights;
  if (ws.length !== weights.length)
    throw new Error(`loadCheckpoint: ${path} holds ${weights.length} weights but ${model.className} "${model.name}" has ${ws.length}`);
  model.setWeights(weights);
  return header;
}
