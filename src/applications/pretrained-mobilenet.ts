// A pretrained MobileNetV2 that works offline: the one the npm package nsfwjs (MIT) ships as a TF.js layers
// model (Keras 2.2.4, alpha 1, 224x224, uint8-quantized) wrapped in UMD JavaScript files, the model.json as an
// object literal and the weight shard as a base64 string. The files are unwrapped in a bare VM context (no
// require, no globals), decoded with src/io's TF.js reader, and the weights are set by layer name into
// deepts' MobileNetV2 at any input size; the 5-class head (drawing / hentai / neutral / porn / sexy) is
// left out. Its inputs are pixels scaled to [0, 1] (nsfwjs divides by 255), not Keras' [-1, 1].
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { decodeTfjsModel, decodeTfjsWeights, type TfjsFiles } from "../io/tfjs.js";
import { planNamedWeights } from "../io/named-weights.js";
import { commit } from "../io/weights-map.js";
import type { Model } from "../models/model.js";
import type { Tensor } from "../tensor/tensor.js";
import { mobileNetV2 } from "./mobilenet-v2.js";

/** The nsfwjs release whose files this reads. */
export const NSFWJS_VERSION = "4.4.0";

/** How the pretrained MobileNetV2 wants its pixels: x / 255 (nsfwjs' normalisation). */
export const PRETRAINED_MOBILENET_V2_SCALE = 1 / 255;

const HOW_TO_GET =
  `install the npm package nsfwjs@${NSFWJS_VERSION} (MIT; npm install nsfwjs@${NSFWJS_VERSION} --legacy-peer-deps, its TF.js peer is not needed), ` +
  "or point DEEPTS_NSFWJS_DIR at an unpacked copy (npm pack nsfwjs@" + NSFWJS_VERSION + ", then tar xzf; the folder holding package.json)";

function isNsfwjs(dir: string): boolean {
  return existsSync(join(dir, "dist", "models", "mobilenet_v2", "model.min.js"));
}

/**
 * The folder of the nsfwjs package: `dir`, else $DEEPTS_NSFWJS_DIR, else node_modules/nsfwjs in a folder above
 * deepts or above the working directory, else in $NODE_PATH. (Its package "exports" hide the model files
 * from require.resolve, so the folders are searched directly.)
 */
export function findNsfwjs(dir?: string): string {
  const tried: string[] = [];
  const check = (d: string): string | null => {
    tried.push(d);
    return isNsfwjs(d) ? d : null;
  };
  if (dir !== undefined) {
    if (check(resolve(dir))) return resolve(dir);
    throw new Error(`pretrained MobileNetV2: ${JSON.stringify(dir)} is not the nsfwjs package (no dist/models/mobilenet_v2/model.min.js); ${HOW_TO_GET}`);
  }
  const env = process.env.DEEPTS_NSFWJS_DIR;
  if (env && check(resolve(env))) return resolve(env);
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts)
    for (let d = start; ; d = dirname(d)) {
      const found = check(join(d, "node_modules", "nsfwjs"));
      if (found) return found;
      if (dirname(d) === d) break;
    }
  for (const p of (process.env.NODE_PATH ?? "").split(delimiter).filter(Boolean)) {
    const found = check(join(p, "nsfwjs"));
    if (found) return found;
  }
  throw new Error(`pretrained MobileNetV2: the npm package nsfwjs is not installed (looked in ${tried.length} places, e.g. ${tried.slice(0, 3).join(", ")}); ${HOW_TO_GET}`);
}

/** The value a UMD bundle exports, evaluated in an empty context (no require, no process, a time limit). */
function umdExport(path: string): unknown {
  const size = statSync(path).size;
  if (size > 64 * 1024 * 1024) throw new Error(`pretrained MobileNetV2: ${path} is ${size} bytes, too large for the nsfwjs file`);
  const mod = { exports: {} as unknown };
  try {
    runInNewContext(readFileSync(path, "utf8"), { module: mod, exports: mod.exports }, { timeout: 10_000, filename: path });
  } catch (e) {
    throw new Error(`pretrained MobileNetV2: cannot unwrap ${path}: ${(e as Error).message}`);
  }
  return mod.exports;
}

/** nsfwjs' MobileNetV2 as TF.js files: its model.json object and the one weight shard, from the UMD wrappers. */
export function readNsfwjsFiles(dir?: string): TfjsFiles & { source: string } {
  const root = findNsfwjs(dir);
  const folder = join(root, "dist", "models", "mobilenet_v2");
  const modelFile = join(folder, "model.min.js");
  const shardFile = join(folder, "group1-shard1of1.min.js");
  const modelJson = umdExport(modelFile);
  const shard = umdExport(shardFile);
  if (typeof modelJson !== "object" || modelJson === null || !("weightsManifest" in modelJson) || !("modelTopology" in modelJson))
    throw new Error(`pretrained MobileNetV2: ${modelFile} does not export a TF.js model.json object (is it nsfwjs ${NSFWJS_VERSION}?)`);
  if (typeof shard !== "string" || !/^[A-Za-z0-9+/]*=*$/.test(shard.slice(0, 1000)))
    throw new Error(`pretrained MobileNetV2: ${shardFile} does not export the weight shard as base64 text (is it nsfwjs ${NSFWJS_VERSION}?)`);
  return { modelJson: modelJson as Record<string, unknown>, groups: [new Uint8Array(Buffer.from(shard, "base64"))], source: modelFile };
}

/** The whole nsfwjs classifier (MobileNetV2 and its 5-class head, 224x224, inputs in [0, 1]) through src/io's TF.js loader. */
export function loadNsfwjsModel(dir?: string): Model {
  const files = readNsfwjsFiles(dir);
  // The manifest names DepthwiseConv2D's weight as Keras 2 did ("depthwise_kernel"); deepts' layer calls it "kernel".
  const manifest = (files.modelJson.weightsManifest as { paths: string[]; weights: { name: string }[] }[]).map((g) => ({
    ...g,
    weights: g.weights.map((w) => ({ ...w, name: w.name.replace(/\/depthwise_kernel$/, "/kernel") })),
  }));
  return decodeTfjsModel({ modelJson: { ...files.modelJson, weightsManifest: manifest }, groups: files.groups }, files.source);
}

let cachedWeights: { root: string; tensors: Map<string, Tensor> } | null = null;

/** The backbone weights by Keras 3 name ("Conv1/kernel", "block_1_depthwise/kernel", ...), head left out. */
function backboneWeights(dir?: string): Map<string, Tensor> {
  const root = findNsfwjs(dir);
  if (cachedWeights?.root === root) return cachedWeights.tensors;
  const files = readNsfwjsFiles(root);
  const tensors = new Map<string, Tensor>();
  // Keras 2 calls DepthwiseConv2D's weight "depthwise_kernel"; Keras 3 (and deepts) "kernel".
  for (const [k, v] of decodeTfjsWeights(files, files.source)) tensors.set(k.replace(/\/depthwise_kernel$/, "/kernel"), v);
  cachedWeights = { root, tensors };
  return tensors;
}

/** Options of pretrainedMobileNetV2. */
export interface PretrainedMobileNetV2Options {
  /** [height, width, 3]; any size of at least 32 (default [224, 224, 3], the size it was trained at). */
  inputShape?: readonly [number, number, 3];
  /** The nsfwjs package folder (default: found as findNsfwjs says). */
  dir?: string;
  /** Model name (default Keras' "mobilenetv2_1.00_<size>"). */
  name?: string;
}

/**
 * MobileNetV2 (alpha 1, no top: [batch, h/32, w/32, 1280] from out_relu) with the pretrained weights of
 * nsfwjs' model; feed it pixels / 255 (PRETRAINED_MOBILENET_V2_SCALE).
 *
 * @example
 * const backbone = pretrainedMobileNetV2({ inputShape: [160, 160, 3] });
 * backbone.predict(mul(images, PRETRAINED_MOBILENET_V2_SCALE)); // [n, 5, 5, 1280]
 */
export function pretrainedMobileNetV2(opts: PretrainedMobileNetV2Options = {}): Model {
  const inputShape = opts.inputShape ?? [224, 224, 3];
  const tensors = backboneWeights(opts.dir);
  const model = mobileNetV2({ alpha: 1, includeTop: false, inputShape: [...inputShape], name: opts.name });
  commit(planNamedWeights(`nsfwjs ${NSFWJS_VERSION} MobileNetV2`, model, tensors, { allowExtra: true }));
  return model;
}
