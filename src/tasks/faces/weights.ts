// TF.js weights manifests (weights_manifest.json + binary shards), as face-api ships its networks: a bare
// manifest array with no model topology. Decoding (uint8/uint16 affine quantization, float16) is src/io's
// TF.js reader, shared with TF.js layers models.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodeTfjsWeights } from "../../io/tfjs.js";
import type { Tensor } from "../../tensor/tensor.js";

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

function fail(source: string, msg: string): never {
  throw new Error(`${source}: ${msg}`);
}

/**
 * Decodes the weights laid out one after another in `bytes` (the shards of one group, concatenated).
 * Quantized values become `q * scale + min` in float32 (rounded for int32), as TF.js computes them.
 */
export function decodeWeights(bytes: Uint8Array, specs: readonly WeightSpec[], source = "<weights>"): Map<string, Tensor> {
  return decodeTfjsWeights({ modelJson: { weightsManifest: [{ paths: [], weights: specs }] }, groups: [bytes] }, source);
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
  const shards = groups.map((g) => {
    const parts = g.paths.map((p) => {
      if (p.includes("..") || p.startsWith("/")) fail(manifestPath, `shard path ${JSON.stringify(p)} must stay beside the manifest`);
      try {
        return readFileSync(join(dirname(manifestPath), p));
      } catch (e) {
        fail(manifestPath, `cannot read shard ${JSON.stringify(p)}: ${(e as Error).message}`);
      }
    });
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  });
  return decodeTfjsWeights({ modelJson: { weightsManifest: groups }, groups: shards }, manifestPath);
}
