// A pretrained MobileNetV2 that works offline: the one the npm package nsfwjs (MIT) ships as a TF.js layers
// model (Keras 2.2.4, alpha 1, 224x224, uint8-quantized) wrapped in UMD JavaScript files, the model.json as an
// object literal and the weight shard as a base64 string. src/io reads those files as text (never runs them);
// here the weights are set by layer name into deepts' MobileNetV2 at any input size, the 5-class head
// (drawing / hentai / neutral / porn / sexy) left out. Its inputs are pixels scaled to [0, 1] (nsfwjs divides
// by 255), not Keras' [-1, 1]. `node scripts/fetch-nsfwjs.mjs` puts the files in data/models/nsfwjs/.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeTfjsModel, decodeTfjsWeights, type TfjsFiles } from "../io/tfjs.js";
import { modelJsonFromUmd, shardFromUmd } from "../io/tfjs-umd.js";
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
  "run `node scripts/fetch-nsfwjs.mjs` (it puts nsfwjs@" + NSFWJS_VERSION + "'s model files, MIT, in data/models/nsfwjs/), " +
  "or install the npm package nsfwjs@" + NSFWJS_VERSION + ", or point DEEPTS_NSFWJS_DIR at the folder holding model.min.js";

/** The folder with model.min.js: `dir` itself, or the model folder inside an nsfwjs package at `dir`. */
function modelFolder(dir: string): string | null {
  for (const d of [dir, join(dir, "dist", "models", "mobilenet_v2"), join(dir, "mobilenet_v2")]) if (existsSync(join(d, "model.min.js"))) return d;
  return null;
}

/**
 * The folder holding nsfwjs' MobileNetV2 files (model.min.js and its shard): `dir`, else $DEEPTS_NSFWJS_DIR, else
 * data/models/nsfwjs/mobilenet_v2 (where scripts/fetch-nsfwjs.mjs puts them) or node_modules/nsfwjs in a folder
 * above deepts or the working directory. `dir` and the variable may name the model folder or the package.
 */
export function findNsfwjs(dir?: string): string {
  if (dir !== undefined) {
    const found = modelFolder(resolve(dir));
    if (found) return found;
    throw new Error(`pretrained MobileNetV2: no model.min.js in ${JSON.stringify(dir)} (nor in its dist/models/mobilenet_v2); ${HOW_TO_GET}`);
  }
  const env = process.env.DEEPTS_NSFWJS_DIR;
  if (env) {
    // An explicit setting is authoritative: pointing it at the wrong place is an error, not a fallback.
    const found = modelFolder(resolve(env));
    if (found) return found;
    throw new Error(`pretrained MobileNetV2: DEEPTS_NSFWJS_DIR=${JSON.stringify(env)} holds no model.min.js (nor dist/models/mobilenet_v2); ${HOW_TO_GET}`);
  }
  const tried: string[] = [];
  const candidates: string[] = [];
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()])
    for (let d = start; ; d = dirname(d)) {
      candidates.push(join(d, "data", "models", "nsfwjs"), join(d, "node_modules", "nsfwjs"), join(d, "bench", "node_modules", "nsfwjs"));
      if (dirname(d) === d) break;
    }
  for (const c of candidates) {
    tried.push(c);
    const found = modelFolder(c);
    if (found) return found;
  }
  throw new Error(`pretrained MobileNetV2: nsfwjs' model files are not here (looked in ${tried.length} places, e.g. ${tried.slice(0, 3).join(", ")}); ${HOW_TO_GET}`);
}

function readText(path: string): string {
  if (!existsSync(path)) throw new Error(`pretrained MobileNetV2: ${path} is missing; ${HOW_TO_GET}`);
  const size = statSync(path).size;
  if (size > 64 * 1024 * 1024) throw new Error(`pretrained MobileNetV2: ${path} is ${size} bytes, too large for nsfwjs' file`);
  return readFileSync(path, "utf8");
}

/** nsfwjs' MobileNetV2 as TF.js files: the model.json object and the weight shard, read from the UMD files as text. */
export function readNsfwjsFiles(dir?: string): TfjsFiles & { source: string } {
  const folder = findNsfwjs(dir);
  const modelFile = join(folder, "model.min.js");
  const shardFile = join(folder, "group1-shard1of1.min.js");
  const modelJson = modelJsonFromUmd(readText(modelFile), modelFile);
  const manifest = modelJson.weightsManifest as { paths?: unknown }[] | undefined;
  if (!Array.isArray(manifest) || manifest.length !== 1 || JSON.stringify(manifest[0]?.paths) !== '["group1-shard1of1"]')
    throw new Error(`pretrained MobileNetV2: ${modelFile} is not nsfwjs ${NSFWJS_VERSION}'s MobileNetV2 (expected one weight group in group1-shard1of1)`);
  return { modelJson, groups: [shardFromUmd(readText(shardFile), shardFile)], source: modelFile };
}

/** The whole nsfwjs classifier (MobileNetV2 and its 5-class head, 224x224, inputs in [0, 1]) through src/io's TF.js loader. */
export function loadNsfwjsModel(dir?: string): Model {
  const files = readNsfwjsFiles(dir);
  return decodeTfjsModel(files, files.source);
}

let cachedWeights: { root: string; tensors: Map<string, Tensor> } | null = null;

/** The backbone weights by Keras 3 name ("Conv1/kernel", "block_1_depthwise/kernel", ...), head left out. */
function backboneWeights(dir?: string): Map<string, Tensor> {
  const root = findNsfwjs(dir);
  if (cachedWeights?.root === root) return cachedWeights.tensors;
  const files = readNsfwjsFiles(root);
  // Keras 2's names ("block_1_depthwise/depthwise_kernel") are mapped by src/io's planNamedWeights.
  const tensors = decodeTfjsWeights(files, files.source);
  cachedWeights = { root, tensors };
  return tensors;
}

/** Options of pretrainedMobileNetV2. */
export interface PretrainedMobileNetV2Options {
  /** [height, width, 3]; any size of at least 32 (default [224, 224, 3], the size it was trained at). */
  inputShape?: readonly [number, number, 3];
  /** The folder of model.min.js, or the nsfwjs package (default: found as findNsfwjs says). */
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
