// imageDatasetFromDirectory: Keras' keras.utils.image_dataset_from_directory for deepts' fit / evaluate.
// The file index, the seeded shuffle and the train / validation split are Keras' own (same seed, same files on
// each side); images are decoded with src/io/images and resized as tf.image.resize does.
import { readImage } from "../io/images.js";
import { resizeBilinear, resizeNearest } from "../ops/image.js";
import { pad, slice, transpose } from "../ops/movement.js";
import { Generator, randomPermutation } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { indexDirectory, trainingOrValidationSplit } from "./index-directory.js";

/** The file extensions Keras indexes (ALLOWLIST_FORMATS); BMP files are indexed but deepts cannot decode them. */
export const IMAGE_FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"] as const;

export type LabelMode = "int" | "categorical" | "binary";
export type ColorMode = "rgb" | "rgba" | "grayscale";

/** Options of imageDatasetFromDirectory (Keras' arguments, camelCase). */
export interface ImageDatasetOptions {
  /** "inferred" (default: from the class subfolders), null (no labels), or one integer per file in sorted path order. */
  labels?: "inferred" | null | readonly number[];
  /** "int" (default; int32 [batch]), "categorical" (one-hot float32 [batch, classes]), "binary" (float32 [batch, 1]), or null. */
  labelMode?: LabelMode | null;
  /** Class subfolders to use, in this order (default: all, sorted). */
  classNames?: readonly string[] | null;
  /** "rgb" (default, 3 channels), "rgba" (4) or "grayscale" (1). */
  colorMode?: ColorMode;
  /** Images per batch (default 32); null yields single images. */
  batchSize?: number | null;
  /** [height, width] (or one number for a square) every image is resized to; default [256, 256]. */
  imageSize?: number | readonly [number, number];
  /** Shuffle the files (default true): once by the seed, as Keras, and the training batches again each pass. */
  shuffle?: boolean;
  /** Seed of the shuffles; required with validationSplit and shuffle (as Keras, so both subsets agree). */
  seed?: number | null;
  /** Fraction of the files kept for validation: the last int(split * n) after the seeded shuffle. */
  validationSplit?: number | null;
  /** "training", "validation", or "both" (returns [training, validation]); with validationSplit only. */
  subset?: "training" | "validation" | "both" | null;
  /** "bilinear" (default) or "nearest". */
  interpolation?: "bilinear" | "nearest";
  /** Walk into folders that symbolic links point to (default false). */
  followLinks?: boolean;
  /** Resize without distortion, cropping the largest centred window of the target aspect ratio. */
  cropToAspectRatio?: boolean;
  /** Resize without distortion, padding with zeros to the target aspect ratio. */
  padToAspectRatio?: boolean;
  /** "channelsLast" (default: [batch, h, w, c]) or "channelsFirst". */
  dataFormat?: "channelsLast" | "channelsFirst";
  /** Keep decoded images in memory after the first pass (default true; Keras' dataset.cache()). */
  cache?: boolean;
  /** Print "Found N files belonging to K classes." and the split sizes (default true, as Keras). */
  verbose?: boolean;
  /** Where verbose lines go (default console.log). */
  log?: (line: string) => void;
}

interface Resolved {
  labelMode: LabelMode | null;
  channels: 1 | 3 | 4;
  batchSize: number | null;
  imageSize: [number, number];
  interpolation: "bilinear" | "nearest";
  crop: boolean;
  pad: boolean;
  channelsFirst: boolean;
  cache: boolean;
}

/** One dataset element: [images, labels] or images alone (labelMode null). */
export type ImageBatch = [Tensor, Tensor] | Tensor;

/**
 * Images from a folder, in batches, with their labels: an async iterable that fit, evaluate and predict take
 * directly; each pass (epoch) yields every file once.
 */
export class ImageDataset implements AsyncIterable<ImageBatch> {
  /** The class names in label order (null without labels). */
  readonly classNames: string[] | null;
  /** The files in the order of this subset (after Keras' seeded shuffle). */
  readonly filePaths: string[];
  /** The label of each file (null without labels). */
  readonly labels: Int32Array | null;
  private readonly images = new Map<number, Float32Array>();
  private readonly generator: Generator | null;

  /** @internal Use imageDatasetFromDirectory. */
  constructor(
    filePaths: string[],
    labels: Int32Array | null,
    classNames: string[] | null,
    private readonly opts: Resolved,
    shuffleSeed: number | null,
  ) {
    this.filePaths = filePaths;
    this.labels = labels;
    this.classNames = classNames;
    this.generator = shuffleSeed === null ? null : new Generator(shuffleSeed);
  }

  /** Number of files. */
  get size(): number {
    return this.filePaths.length;
  }

  /** Elements per pass: batches (or images when batchSize is null), as tf.data's cardinality. */
  get cardinality(): number {
    const b = this.opts.batchSize;
    return b === null ? this.size : Math.ceil(this.size / b);
  }

  /** [height, width, channels] (or channels first) of each image. */
  get elementShape(): number[] {
    const [h, w] = this.opts.imageSize;
    return this.opts.channelsFirst ? [this.opts.channels, h, w] : [h, w, this.opts.channels];
  }

  /** One pass: the files in order, or in a fresh seeded order when the dataset shuffles. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ImageBatch> {
    const n = this.size;
    const order = this.generator ? Array.from(randomPermutation(n, this.generator)) : Array.from({ length: n }, (_, i) => i);
    const step = this.opts.batchSize ?? 1;
    for (let start = 0; start < n; start += step) {
      const idx = order.slice(start, Math.min(n, start + step));
      const x = await this.loadImages(idx);
      const batched = this.opts.batchSize !== null;
      const xs = batched ? x : new Tensor(x.values, x.shape.slice(1));
      if (this.opts.labelMode === null || this.labels === null) yield xs;
      else {
        const y = this.labelTensor(idx);
        yield [xs, batched ? y : new Tensor(y.values, y.shape.slice(1), y.dtype)];
      }
    }
  }

  /** Every image and label of this subset in file order: x [n, ...elementShape], y as the label mode gives it. */
  async loadAll(): Promise<{ x: Tensor; y: Tensor | null }> {
    const idx = Array.from({ length: this.size }, (_, i) => i);
    return { x: await this.loadImages(idx), y: this.opts.labelMode === null || this.labels === null ? null : this.labelTensor(idx) };
  }

  private labelTensor(idx: number[]): Tensor {
    const labels = this.labels!;
    const mode = this.opts.labelMode;
    if (mode === "int") return new Tensor(Int32Array.from(idx, (i) => labels[i]), [idx.length], "int32");
    if (mode === "binary") return new Tensor(Float32Array.from(idx, (i) => labels[i]), [idx.length, 1]);
    const k = this.classNames!.length;
    const out = new Float32Array(idx.length * k);
    idx.forEach((i, r) => {
      if (labels[i] >= 0 && labels[i] < k) out[r * k + labels[i]] = 1; // tf.one_hot leaves out-of-range rows at zero
    });
    return new Tensor(out, [idx.length, k]);
  }

  private async loadImages(idx: number[]): Promise<Tensor> {
    const shape = this.elementShape;
    const per = shape[0] * shape[1] * shape[2];
    const out = new Float32Array(idx.length * per);
    const missing = idx.filter((i) => !this.images.has(i));
    const loaded = await Promise.all(missing.map((i) => this.loadOne(i)));
    const fresh = new Map(missing.map((i, k) => [i, loaded[k]]));
    idx.forEach((i, r) => out.set(this.images.get(i) ?? fresh.get(i)!, r * per));
    if (this.opts.cache) for (const [i, v] of fresh) this.images.set(i, v);
    return new Tensor(out, [idx.length, ...shape]);
  }

  private async loadOne(i: number): Promise<Float32Array> {
    const path = this.filePaths[i];
    if (path.toLowerCase().endsWith(".bmp"))
      throw new Error(`imageDatasetFromDirectory: cannot decode ${JSON.stringify(path)}: deepts reads JPEG, PNG, WebP and GIF, not BMP; convert it or move it out of the folder`);
    const img = await readImage(path, { channels: this.opts.channels });
    let t = resizeImage(img, this.opts);
    if (this.opts.channelsFirst) t = transpose(t, [2, 0, 1]);
    return t.values as Float32Array;
  }
}

/** tf.image.resize (or Keras' smart_resize / tf.image.resize_with_pad) of one [h, w, c] image to float32. */
function resizeImage(img: Tensor, o: Resolved): Tensor {
  const [th, tw] = o.imageSize;
  const resize = (t: Tensor, size: [number, number]): Tensor => (o.interpolation === "nearest" ? resizeNearest(t, size) : resizeBilinear(t, size));
  const [h, w] = img.shape;
  if (o.crop) {
    const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
    const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
    const top = Math.trunc((h - ch) / 2);
    const left = Math.trunc((w - cw) / 2);
    return resize(slice(img, [top, left, 0], [ch, cw, img.shape[2]]), [th, tw]);
  }
  if (o.pad) {
    const ratio = Math.max(w / tw, h / th);
    const rh = Math.floor(h / ratio);
    const rw = Math.floor(w / ratio);
    const ph = Math.max(0, Math.floor((th - h / ratio) / 2));
    const pw = Math.max(0, Math.floor((tw - w / ratio) / 2));
    const r = resize(img, [rh, rw]);
    return pad(r, [[ph, th - rh - ph], [pw, tw - rw - pw], [0, 0]]);
  }
  return resize(img, [th, tw]);
}

function checkOptions(op: string, o: ImageDatasetOptions): void {
  const labels = o.labels ?? "inferred";
  if (labels !== "inferred" && labels !== null && !(Array.isArray(labels) && labels.every((l) => Number.isInteger(l))))
    throw new Error(`${op}: labels must be "inferred", null (no labels) or a list of integer labels, one per image file in sorted path order; got ${JSON.stringify(o.labels)}`);
  const mode = o.labelMode === undefined ? "int" : o.labelMode;
  if (mode !== null && !["int", "categorical", "binary"].includes(mode))
    throw new Error(`${op}: labelMode must be "int", "categorical", "binary" or null, got ${JSON.stringify(mode)}`);
  if (o.colorMode !== undefined && !["rgb", "rgba", "grayscale"].includes(o.colorMode))
    throw new Error(`${op}: colorMode must be "rgb", "rgba" or "grayscale", got ${JSON.stringify(o.colorMode)}`);
  const split = o.validationSplit ?? null;
  const subset = o.subset ?? null;
  if (split !== null && split !== 0 && !(split > 0 && split < 1)) throw new Error(`${op}: validationSplit must be between 0 and 1, got ${split}`);
  if (!!split !== !!subset) throw new Error(`${op}: give validationSplit and subset together (subset "training", "validation" or "both"), or neither`);
  if (subset !== null && !["training", "validation", "both"].includes(subset))
    throw new Error(`${op}: subset must be "training", "validation" or "both", got ${JSON.stringify(subset)}`);
  if (split && (o.shuffle ?? true) && (o.seed ?? null) === null)
    throw new Error(`${op}: with validationSplit and shuffling, give a seed, so that the training and validation subsets do not overlap`);
  if (o.interpolation !== undefined && o.interpolation !== "bilinear" && o.interpolation !== "nearest")
    throw new Error(`${op}: interpolation must be "bilinear" or "nearest" (deepts does not have ${JSON.stringify(o.interpolation)})`);
  if (o.cropToAspectRatio && o.padToAspectRatio) throw new Error(`${op}: give cropToAspectRatio or padToAspectRatio, not both`);
  if (o.batchSize !== undefined && o.batchSize !== null && !(Number.isInteger(o.batchSize) && o.batchSize > 0))
    throw new Error(`${op}: batchSize must be a positive integer or null, got ${o.batchSize}`);
  if (o.seed !== undefined && o.seed !== null && !(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff))
    throw new Error(`${op}: seed must be an integer between 0 and 2**32 - 1, got ${o.seed}`);
}

function imageSizeOf(op: string, s: ImageDatasetOptions["imageSize"]): [number, number] {
  const size = s === undefined ? [256, 256] : typeof s === "number" ? [s, s] : s;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0))
    throw new Error(`${op}: imageSize must be [height, width] of positive integers (or one integer), got ${JSON.stringify(s)}`);
  return [size[0], size[1]];
}

/**
 * Keras' image_dataset_from_directory: one subfolder per class under `directory`, every image resized to
 * `imageSize`, in batches of [images, labels]. With validationSplit and subset "both", returns
 * [training, validation]; the split is Keras' (same seed, same files on each side).
 *
 * @example
 * const [train, val] = await imageDatasetFromDirectory("photos/", { validationSplit: 0.2, subset: "both", seed: 42, imageSize: 160 });
 * await model.fit(train, { validationData: val, epochs: 5 });
 */
export function imageDatasetFromDirectory(directory: string, opts: ImageDatasetOptions & { subset: "both" }): Promise<[ImageDataset, ImageDataset]>;
export function imageDatasetFromDirectory(directory: string, opts?: ImageDatasetOptions): Promise<ImageDataset>;
export async function imageDatasetFromDirectory(directory: string, opts: ImageDatasetOptions = {}): Promise<ImageDataset | [ImageDataset, ImageDataset]> {
  const op = "imageDatasetFromDirectory";
  checkOptions(op, opts);
  let labels = opts.labels === undefined ? "inferred" : opts.labels;
  let labelMode: LabelMode | null = opts.labelMode === undefined ? "int" : opts.labelMode;
  if (labels === null || labelMode === null) [labels, labelMode] = [null, null];
  const colorMode = opts.colorMode ?? "rgb";
  const shuffle = opts.shuffle ?? true;
  const seed = opts.seed ?? Math.floor(Math.random() * 1e6);
  const split = opts.validationSplit || null;
  const subset = opts.subset ?? null;
  const log = opts.verbose === false ? () => {} : opts.log ?? ((l: string) => console.log(l));
  const index = indexDirectory(op, directory, labels, IMAGE_FORMATS, {
    classNames: opts.classNames ?? null, shuffle, seed, followLinks: opts.followLinks ?? false,
  });
  const n = index.filePaths.length;
  log(index.labels === null ? `Found ${n} files.` : `Found ${n} files belonging to ${index.classNames!.length} classes.`);
  if (labelMode === "binary" && index.classNames!.length !== 2)
    throw new Error(`${op}: labelMode "binary" needs exactly 2 classes, found ${index.classNames!.length}: [${index.classNames!.join(", ")}]; use "int" or "categorical"`);
  const resolved: Resolved = {
    labelMode,
    channels: colorMode === "rgb" ? 3 : colorMode === "rgba" ? 4 : 1,
    batchSize: opts.batchSize === undefined ? 32 : opts.batchSize,
    imageSize: imageSizeOf(op, opts.imageSize),
    interpolation: opts.interpolation ?? "bilinear",
    crop: !!opts.cropToAspectRatio,
    pad: !!opts.padToAspectRatio,
    channelsFirst: opts.dataFormat === "channelsFirst",
    cache: opts.cache ?? true,
  };
  const pick = (which: "training" | "validation") => {
    const idx = trainingOrValidationSplit(Array.from({ length: n }, (_, i) => i), split, which);
    if (split) log(which === "training" ? `Using ${idx.length} files for training.` : `Using ${idx.length} files for validation.`);
    return { paths: idx.map((i) => index.filePaths[i]), labels: index.labels ? Int32Array.from(idx, (i) => index.labels![i]) : null };
  };
  const noImages = (what: string) =>
    new Error(`${op}: no ${what}images found in ${JSON.stringify(directory)}. Allowed formats: ${IMAGE_FORMATS.join(", ")}`);
  if (subset === "both") {
    const t = pick("training");
    const v = pick("validation");
    if (t.paths.length === 0) throw noImages("training ");
    if (v.paths.length === 0) throw noImages("validation ");
    return [
      new ImageDataset(t.paths, t.labels, index.classNames, resolved, shuffle ? seed : null),
      new ImageDataset(v.paths, v.labels, index.classNames, resolved, null),
    ];
  }
  const s = subset === null ? { paths: index.filePaths, labels: index.labels } : pick(subset);
  if (s.paths.length === 0) throw noImages("");
  return new ImageDataset(s.paths, s.labels, index.classNames, resolved, shuffle ? seed : null);
}
