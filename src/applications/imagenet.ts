// keras.applications.imagenet_utils: the input preprocessing modes of the ImageNet networks and
// decodePredictions over the 1000 ILSVRC-2012 classes (names in data/imagenet-classes.json).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../data/embedded.js";
import { add, div, sub } from "../ops/arithmetic.js";
import { cast } from "../ops/cast.js";
import { reverse } from "../ops/movement.js";
import { reshape } from "../ops/reshape.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** How pixels in [0, 255] become network inputs (Keras' modes). */
export type PreprocessMode = "caffe" | "tf" | "torch";

export interface PreprocessOptions {
  /** "caffe" (default): RGB to BGR, minus the ImageNet BGR mean; "tf": scaled to [-1, 1]; "torch": [0, 1], then ImageNet mean / std. */
  mode?: PreprocessMode;
  /** Where the channels are: "channelsLast" (default; images [..., h, w, 3]) or "channelsFirst" ([..., 3, h, w]). */
  dataFormat?: "channelsLast" | "channelsFirst" | "channels_last" | "channels_first";
}

const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/**
 * Keras' imagenet_utils.preprocess_input: a batch (rank 4) or one image (rank 3) of RGB pixels in [0, 255],
 * as float32, preprocessed for an ImageNet network; a new tensor (the input is unchanged).
 *
 * @example
 * preprocessInput(tensor([[[255, 0, 0]]]), { mode: "caffe" }); // [[[-103.939, -116.779, 131.32]]] (BGR, mean-free)
 */
export function preprocessInput(x: TensorLike, opts: PreprocessOptions = {}): Tensor {
  const mode = opts.mode ?? "caffe";
  const channelsFirst = (opts.dataFormat ?? "channelsLast").replace(/_/g, "").toLowerCase() === "channelsfirst";
  let t = toTensor(x, "preprocessInput");
  if (t.shape.length !== 3 && t.shape.length !== 4)
    throw new Error(`preprocessInput: expected one image (rank 3) or a batch (rank 4), got shape [${t.shape.join(", ")}]`);
  const axis = channelsFirst ? t.shape.length - 3 : t.shape.length - 1;
  if (!isFloat(t.dtype)) t = cast(t, "float32");
  if (mode === "tf") return sub(div(t, 127.5), 1);
  if (t.shape[axis] !== 3)
    throw new Error(`preprocessInput: mode "${mode}" needs 3 color channels on axis ${axis}, got shape [${t.shape.join(", ")}]`);
  const perChannel = (v: number[]): Tensor => {
    const shape = t.shape.map((_, i) => (i === axis ? 3 : 1));
    return reshape(toTensor(v, "preprocessInput", "float32"), shape);
  };
  if (mode === "caffe") return sub(reverse(t, axis), perChannel(CAFFE_MEAN_BGR));
  if (mode === "torch") return div(sub(div(t, 255), perChannel(TORCH_MEAN)), perChannel(TORCH_STD));
  throw new Error(`preprocessInput: mode must be "caffe", "tf" or "torch", got ${JSON.stringify(mode)}`);
}

/** Inverse of preprocessInput's "caffe" mode (BGR mean-free back to RGB in [0, 255]), for showing images. */
export function deprocessCaffe(x: TensorLike, opts: Pick<PreprocessOptions, "dataFormat"> = {}): Tensor {
  const t = toTensor(x, "deprocessCaffe", "float32");
  const channelsFirst = (opts.dataFormat ?? "channelsLast").replace(/_/g, "").toLowerCase() === "channelsfirst";
  const axis = channelsFirst ? t.shape.length - 3 : t.shape.length - 1;
  const mean = reshape(toTensor(CAFFE_MEAN_BGR, "deprocessCaffe", "float32"), t.shape.map((_, i) => (i === axis ? 3 : 1)));
  return reverse(add(t, mean), axis);
}

/** One decoded class: its index in 0..999, Keras' short name ("great_white_shark"), all its names, and the score. */
export interface DecodedPrediction {
  classIndex: number;
  name: string;
  description: string;
  score: number;
}

let classNames: string[] | null = null;

/** The 1000 ImageNet (ILSVRC-2012) class descriptions in index order, e.g. "tench, Tinca tinca". */
export function imagenetClasses(): readonly string[] {
  if (classNames === null) {
    const path = join(dataDir(), "imagenet-classes.json");
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { classes?: unknown };
    if (!Array.isArray(parsed.classes) || parsed.classes.length !== 1000 || !parsed.classes.every((c) => typeof c === "string"))
      throw new Error(`${path}: expected {"classes": [1000 strings]}`);
    classNames = parsed.classes as string[];
  }
  return classNames;
}

/** Keras' short class name: the first of the synonyms, spaces as underscores ("great white shark, ..." -> "great_white_shark"). */
function shortName(description: string): string {
  return description.split(",")[0].trim().replace(/ /g, "_");
}

/**
 * Keras' decode_predictions: for each row of `preds` [batch, 1000], the `top` classes by score, best first.
 *
 * @example
 * decodePredictions(model.predict(x), 3)[0][0]; // { classIndex: 207, name: "golden_retriever", description: "golden retriever", score: 0.91 }
 */
export function decodePredictions(preds: TensorLike, top = 5): DecodedPrediction[][] {
  const p = toTensor(preds, "decodePredictions", "float32");
  if (p.shape.length !== 2 || p.shape[1] !== 1000)
    throw new Error(`decodePredictions: expects a batch of predictions of shape [samples, 1000], got [${p.shape.join(", ")}]`);
  if (!Number.isInteger(top) || top < 1) throw new Error(`decodePredictions: top must be a positive integer, got ${top}`);
  const names = imagenetClasses();
  const v = p.values;
  const out: DecodedPrediction[][] = [];
  for (let r = 0; r < p.shape[0]; r++) {
    const row = Array.from({ length: 1000 }, (_, i) => i);
    // Stable on ties (lower index first), like a descending sort of scores.
    row.sort((a, b) => v[r * 1000 + b] - v[r * 1000 + a] || a - b);
    out.push(
      row.slice(0, Math.min(top, 1000)).map((i) => ({ classIndex: i, name: shortName(names[i]), description: names[i], score: v[r * 1000 + i] })),
    );
  }
  return out;
}
