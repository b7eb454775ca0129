// A fine-tuned classifier on disk: the model as a Keras .keras archive (through src/io's saver) with what
// prediction needs beside the weights (class names, what the output means, the input size) in its
// metadata.json under "deepts_classifier", a key that Keras ignores; other formats get a sidecar JSON.
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { unzipSync, zipSync, type Zippable } from "fflate";
import { loadModel, saveModel } from "../../io/model-io.js";
import type { Model } from "../../models/model.js";

/** How a classifier's output turns into class probabilities. */
export type ClassifierOutput = "sigmoid-logit" | "softmax-logits" | "probabilities";

/** What deepts stores with a classifier. */
export interface ClassifierInfo {
  classNames: string[];
  /** "sigmoid-logit": one logit for class 1 of 2; "softmax-logits": one per class; "probabilities": already normalised. */
  output: ClassifierOutput;
  /** [height, width] the model takes. */
  imageSize?: [number, number];
  /** How pixels in 0..255 are prepared before the model ("none": the model does it itself). */
  preprocess?: "none" | "tf" | "caffe" | "torch";
}

const KEY = "deepts_classifier";

/** The sidecar file of a non-.keras model: `<path>.classes.json`. */
export function sidecarPath(path: string): string {
  return `${path}.classes.json`;
}

function checkInfo(info: ClassifierInfo, where: string): ClassifierInfo {
  const ok =
    typeof info === "object" && info !== null && Array.isArray(info.classNames) && info.classNames.every((c) => typeof c === "string") &&
    ["sigmoid-logit", "softmax-logits", "probabilities"].includes(info.output);
  if (!ok) throw new Error(`${where}: the classifier information must have classNames (strings) and output ("sigmoid-logit", "softmax-logits" or "probabilities")`);
  return info;
}

/**
 * Saves a classifier and its class names: `.keras` keeps them in metadata.json, other formats in
 * `<path>.classes.json` beside the model file.
 *
 * @example
 * await saveClassifier(result.model, "flowers.keras", { classNames: ["daisy", "rose"], output: "sigmoid-logit" });
 */
export async function saveClassifier(model: Model, path: string, info: ClassifierInfo): Promise<void> {
  checkInfo(info, "saveClassifier");
  await saveModel(model, path);
  if (!path.toLowerCase().endsWith(".keras")) {
    await writeFile(sidecarPath(path), JSON.stringify({ [KEY]: info }, null, 1));
    return;
  }
  const files = unzipSync(await readFile(path));
  const meta = JSON.parse(new TextDecoder().decode(files["metadata.json"] ?? new TextEncoder().encode("{}"))) as Record<string, unknown>;
  meta[KEY] = info;
  const out: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) out[name] = [bytes, { level: name.endsWith(".h5") ? 0 : 6 }];
  out["metadata.json"] = [new TextEncoder().encode(JSON.stringify(meta)), { level: 6 }];
  await writeFile(path, zipSync(out));
}

/** The classifier information stored with a model file, or null when there is none. */
export function readClassifierInfo(path: string): ClassifierInfo | null {
  if (path.toLowerCase().endsWith(".keras")) {
    let meta: Record<string, unknown>;
    try {
      const files = unzipSync(readFileSync(path), { filter: (f) => f.name === "metadata.json" });
      if (!files["metadata.json"]) return null;
      meta = JSON.parse(new TextDecoder().decode(files["metadata.json"])) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`readClassifierInfo: cannot read the metadata of ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
    return meta[KEY] === undefined ? null : checkInfo(meta[KEY] as ClassifierInfo, path);
  }
  const side = sidecarPath(path);
  if (!existsSync(side)) return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(side, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`readClassifierInfo: ${JSON.stringify(side)} is not valid JSON: ${(e as Error).message}`);
  }
  return checkInfo(parsed[KEY] as ClassifierInfo, side);
}

/** Loads a model and the classifier information saved with it (null when there is none). */
export async function loadClassifier(path: string): Promise<{ model: Model; info: ClassifierInfo | null }> {
  const model = await loadModel(path);
  return { model, info: readClassifierInfo(path) };
}
