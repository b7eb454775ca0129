// TF.js weights manifests (weights_manifest.json + binary shards), decoded as TF.js' io.decodeWeights does,
// including uint8/uint16 affine quantization and float16. Private to the face nets until src/io has a
// TF.js loader to share (then this file should defer to it).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Tensor } from "../../tensor/tensor.js";

/** One entry of a manifest group's `weights`. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  quantization?: { dtype: "uint8" | "uint16" | "float16"; min?: number; scale?: number };
}

/** One group of a weights manifest: the shard files, concatenated, hold the weights in order. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

const ITEM = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 } as const;

function fail(source: string, msg: string): never {
  throw new Error(`${source}: ${msg}`);
}

/**
 * Decodes the weights laid out one after another in `bytes` (the shards of one group, concatenated).
 * Quantized values become `q * scale + min` in float32 (rounded for int32), as TF.js computes them.
 */
export function decodeWeights(bytes: Uint8Array, specs: readonly WeightSpec[], source = "<weights>"): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  let offset = 0;
  for (const spec of specs) {
    if (!spec || typeof spec.name !== "string") fail(source, `a weight entry has no name: ${JSON.stringify(spec)}`);
    const where = `weight "${spec.name}"`;
    if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isSafeInteger(d) || d < 0))
      fail(source, `${where}: invalid shape ${JSON.stringify(spec.shape)}`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (size > 2 ** 31 - 1) fail(source, `${where}: shape ${JSON.stringify(spec.shape)} is too large`);
    if (spec.dtype !== "float32" && spec.dtype !== "int32" && spec.dtype !== "bool")
      fail(source, `${where}: unsupported dtype ${JSON.stringify(spec.dtype)} (expected float32, int32 or bool)`);
    const q = spec.quantization;
    const stored = q ? q.dtype : spec.dtype;
    if (!(stored in ITEM)) fail(source, `${where}: unknown quantization dtype ${JSON.stringify(stored)} (expected uint8, uint16 or float16)`);
    const nbytes = size * ITEM[stored as keyof typeof ITEM];
    if (offset + nbytes > bytes.length)
      fail(source, `${where} needs bytes ${offset}..${offset + nbytes} but the shards hold ${bytes.length}: the weights file is truncated or does not match the manifest`);
    // A fresh, aligned copy (a Buffer's slice would be a view into a shared pool).
    const chunk = new Uint8Array(nbytes);
    chunk.set(bytes.subarray(offset, offset + nbytes));
    offset += nbytes;
    out.set(spec.name, decodeOne(spec, chunk, size, source, where));
  }
  if (offset !== bytes.length)
    fail(source, `the manifest describes ${offset} bytes but the shards hold ${bytes.length}: they do not belong together`);
  return out;
}

function decodeOne(spec: WeightSpec, chunk: Uint8Array, size: number, source: string, where: string): Tensor {
  const q = spec.quantization;
  const buf = chunk.buffer;
  if (!q) {
    if (spec.dtype === "float32") return new Tensor(new Float32Array(buf), spec.shape, "float32");
    if (spec.dtype === "int32") return new Tensor(new Int32Array(buf), spec.shape, "int32");
    return new Tensor(new Uint8Array(buf).map((v) => (v ? 1 : 0)), spec.shape, "bool");
  }
  if (q.dtype === "float16") {
    if (spec.dtype !== "float32") fail(source, `${where}: float16 quantization only applies to float32 weights, not ${spec.dtype}`);
    const h = new Uint16Array(buf);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = halfToFloat(h[i]);
    return new Tensor(v, spec.shape, "float32");
  }
  if (typeof q.min !== "number" || typeof q.scale !== "number" || !Number.isFinite(q.min) || !Number.isFinite(q.scale))
    fail(source, `${where}: ${q.dtype} quantization needs numeric "min" and "scale", got ${JSON.stringify(q)}`);
  const raw = q.dtype === "uint8" ? new Uint8Array(buf) : new Uint16Array(buf);
  const { min, scale } = q;
  if (spec.dtype === "float32") {
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = raw[i] * scale + min;
    return new Tensor(v, spec.shape, "float32");
  }
  if (spec.dtype === "int32") {
    const v = new Int32Array(size);
    for (let i = 0; i < size; i++) v[i] = Math.round(raw[i] * scale + min);
    return new Tensor(v, spec.shape, "int32");
  }
  fail(source, `${where}: cannot dequantize into ${spec.dtype}`);
}

/** IEEE 754 half-precision bits to a number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Parses a weights manifest's JSON text and checks its structure. */
export function parseManifest(text: string, source: string): WeightsGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(source, `not valid JSON: ${(e as Error).message}`);
  }
  // model.json (the layers/graph format) carries the manifest under weightsManifest.
  const groups = Array.isArray(json) ? json : (json as { weightsManifest?: unknown })?.weightsManifest;
  if (!Array.isArray(groups)) fail(source, "expected a weights manifest: a JSON array of {paths, weights} groups");
  for (const g of groups)
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights) || g.paths.some((p: unknown) => typeof p !== "string"))
      fail(source, `a manifest group must have "paths" (file names) and "weights" (specs), got ${JSON.stringify(g).slice(0, 120)}`);
  return groups as WeightsGroup[];
}

/**
 * Reads a weights manifest and its shard files (named relative to the manifest) into tensors by name.
 *
 * @example
 * const w = loadWeightsManifest("node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json");
 */
export function loadWeightsManifest(manifestPath: string): Map<string, Tensor> {
  let text: string;
  try {
    text = readFileSync(manifestPath, "utf8");
  } catch (e) {
    fail(manifestPath, `cannot read the weights manifest: ${(e as Error).message}`);
  }
  const groups = parseManifest(text, manifestPath);
  const all = new Map<string, Tensor>();
  for (const g of groups) {
    const shards = g.paths.map((p) => {
      if (p.includes("..") || p.startsWith("/")) fail(manifestPath, `shard path ${JSON.stringify(p)} must stay beside the manifest`);
      const file = join(dirname(manifestPath), p);
      try {
        return readFileSync(file);
      } catch (e) {
        fail(manifestPath, `cannot read shard ${JSON.stringify(p)}: ${(e as Error).message}`);
      }
    });
    const bytes = shards.length === 1 ? shards[0] : Buffer.concat(shards);
    for (const [name, t] of decodeWeights(bytes, g.weights, manifestPath)) {
      if (all.has(name)) fail(manifestPath, `weight "${name}" appears twice`);
      all.set(name, t);
    }
  }
  return all;
}
