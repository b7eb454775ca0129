// Top-k classes of images with a saved classifier: the fine-tuned models of `finetune`, or any image model
// (ImageNet names for 1000 classes).
import { imagenetClasses, preprocessInput } from "../../applications/imagenet.js";
import { readImage } from "../../io/images.js";
import type { Model } from "../../models/model.js";
import { resizeBilinear } from "../../ops/image.js";
import { stack } from "../../ops/movement.js";
import { Tensor } from "../../tensor/tensor.js";
import type { ClassifierInfo } from "./model-file.js";

/** One of an image's top classes. */
export interface ClassScore {
  index: number;
  className: string;
  probability: number;
}

/** The [height, width] a single-input image model takes (an error when it has no fixed size). */
export function modelImageSize(model: Model): [number, number] {
  const s = model.inputs[0]?.shape;
  if (!s || s.length !== 4 || s[1] === null || s[2] === null || s[3] === null)
    throw new Error(`the model "${model.name}" does not take images of a fixed size [batch, height, width, channels] (its input: [${s?.join(", ") ?? ""}])`);
  return [s[1], s[2]];
}

/** Reads image files and resizes them (tf.image.resize, bilinear) to the model's input: [n, h, w, channels] in 0..255. */
export async function loadImagesFor(model: Model, paths: readonly string[]): Promise<Tensor> {
  const [h, w] = modelImageSize(model);
  const channels = model.inputs[0].shape[3] as number;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`the model takes ${channels} channels; deepts reads images as 1, 3 or 4`);
  const images: Tensor[] = [];
  for (const p of paths) images.push(resizeBilinear(await readImage(p, { channels }), [h, w]));
  return stack(images, 0);
}

function softmaxRow(v: ArrayLike<number>, start: number, n: number): number[] {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, v[start + i]);
  const e = Array.from({ length: n }, (_, i) => Math.exp(v[start + i] - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** How to read outputs without stored information: probabilities when every row is one already, else logits. */
function guessOutput(out: Tensor): ClassifierInfo["output"] {
  const [n, k] = out.shape;
  const v = out.values;
  let inUnit = true;
  for (let i = 0; i < v.length; i++) if (!(v[i] >= 0 && v[i] <= 1)) inUnit = false;
  if (k === 1) return inUnit ? "probabilities" : "sigmoid-logit";
  for (let r = 0; r < n && inUnit; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += v[r * k + j];
    if (Math.abs(s - 1) > 1e-3) inUnit = false;
  }
  return inUnit ? "probabilities" : "softmax-logits";
}

/**
 * The top `k` classes of each image (pixels 0..255, already at the model's size), best first, with
 * probabilities; class names from `info`, ImageNet's for 1000 classes, else "class <i>".
 */
export function classify(model: Model, images: Tensor, info: Partial<ClassifierInfo> | null, k = 3): ClassScore[][] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`classify: k must be a positive integer, got ${k}`);
  let x = images;
  const prep = info?.preprocess ?? "none";
  if (prep !== "none") x = preprocessInput(x, { mode: prep });
  const out = model.predict(x);
  if (Array.isArray(out) || out.rank !== 2)
    throw new Error(`classify: the model "${model.name}" must have one output [batch, classes]; got ${Array.isArray(out) ? `${out.length} outputs` : `shape [${out.shape.join(", ")}]`}`);
  const [n, width] = out.shape;
  const kind = info?.output ?? guessOutput(out);
  const classes = kind === "sigmoid-logit" || (width === 1 && kind === "probabilities") ? 2 : width;
  const names = info?.classNames ?? (classes === 1000 ? imagenetClasses().map((d) => d.split(",")[0].trim()) : null);
  if (names && names.length !== classes)
    throw new Error(`classify: the model has ${classes} classes but ${names.length} class names are stored with it`);
  const v = out.values;
  const result: ClassScore[][] = [];
  for (let r = 0; r < n; r++) {
    let p: number[];
    if (width === 1) {
      const z = v[r];
      const p1 = kind === "sigmoid-logit" ? 1 / (1 + Math.exp(-z)) : z;
      p = [1 - p1, p1];
    } else p = kind === "softmax-logits" ? softmaxRow(v, r * width, width) : Array.from(v.subarray(r * width, (r + 1) * width));
    const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
    result.push(order.slice(0, Math.min(k, classes)).map((i) => ({ index: i, className: names ? names[i] : `class ${i}`, probability: p[i] })));
  }
  return result;
}
