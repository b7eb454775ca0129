// Training data: tensors (or lists of tensors) cut into batches, or a dataset of ready batches.
// Keras' ArrayDataAdapter / generator adapters and data_adapter_utils, reduced to what fit needs.
import { type TensorLike, toTensor } from "../tensor/create.js";
import { randomPermutation } from "../tensor/random.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Model inputs or targets: one tensor, or one per model input / output. */
export type TensorData = TensorLike | readonly TensorLike[];

/** Targets by output name, as Keras accepts a dict keyed by output names. */
export type NamedTensorData = Record<string, TensorLike>;

/**
 * One batch of a dataset: `[x, y]`, `[x, y, sampleWeight]`, or `[x]` / a tensor `x` alone (prediction).
 * An array is always such a tuple: several inputs nest as `[[x1, x2], y]`.
 */
export type DatasetElement = TensorData | readonly [TensorData, (TensorData | NamedTensorData)?, TensorData?];

/** A dataset: an iterable or async iterable of batches, or a function that returns a fresh one per epoch. */
export type Dataset =
  | Iterable<DatasetElement>
  | AsyncIterable<DatasetElement>
  | (() => Iterable<DatasetElement> | AsyncIterable<DatasetElement>);

/** A batch as the train / test steps use it: flat lists, one entry per model input / output. */
export interface Batch {
  x: Tensor[];
  y: Tensor[] | null;
  /** Sample weights per output (null: unweighted). */
  sampleWeight: (Tensor | null)[] | null;
}

/** True for an object that stands for one tensor (a Tensor or a Variable), not a list or a nested array. */
function isTensorObject(v: unknown): boolean {
  return v instanceof Tensor || (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v);
}

/** True when `x` is a list of tensors (several inputs) rather than one tensor-like value. */
export function isTensorList(x: unknown): x is readonly TensorLike[] {
  return Array.isArray(x) && x.length > 0 && x.every(isTensorObject);
}

/** True for a plain object keyed by output names. */
export function isNamedData(x: unknown): x is NamedTensorData {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !isTensorObject(x) && !ArrayBuffer.isView(x);
}

/** The flat tensor list of `x`. */
export function toTensorList(x: TensorData, what: string): Tensor[] {
  return (isTensorList(x) ? x : [x as TensorLike]).map((v) => toTensor(v, what));
}

/** Targets as a flat list in output order (a record is read by output name). */
export function toTargetList(y: TensorData | NamedTensorData, outputNames: readonly string[], what: string): Tensor[] {
  if (isNamedData(y)) {
    const named = y as NamedTensorData;
    const missing = outputNames.filter((n) => !(n in named));
    if (missing.length > 0)
      throw new Error(`${what}: targets given by name need every output (${outputNames.join(", ")}); missing ${missing.join(", ")}`);
    return outputNames.map((n) => toTensor(named[n], what));
  }
  return toTensorList(y as TensorData, what);
}

/** Rows `start`..`end` (exclusive) of `t`, copied. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const row = t.rank === 0 ? 1 : t.size / Math.max(t.shape[0], 1);
  return new Tensor(t.values.slice(start * row, end * row), [end - start, ...t.shape.slice(1)], t.dtype);
}

/** The rows of `t` at `indices`, copied. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const row = t.size / Math.max(t.shape[0], 1);
  const src = t.values;
  const out = new (src.constructor as new (n: number) => typeof src)(indices.length * row);
  for (let i = 0; i < indices.length; i++) out.set(src.subarray(indices[i] * row, (indices[i] + 1) * row), i * row);
  return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

/** The number of samples (dimension 0) shared by all tensors; an error naming the shapes when they differ. */
export function numSamples(groups: Record<string, readonly Tensor[]>, what: string): number {
  let n = -1;
  const seen: string[] = [];
  for (const [name, ts] of Object.entries(groups))
    for (const t of ts) {
      if (t.rank === 0) throw new Error(`${what}: ${name} must have a batch dimension, got a scalar`);
      seen.push(`${name} ${fmtShape(t.shape)}`);
      if (n === -1) n = t.shape[0];
      else if (t.shape[0] !== n) throw new Error(`${what}: all arrays need the same number of samples (dimension 0), got ${seen.join(", ")}`);
    }
  return Math.max(n, 0);
}

/**
 * Keras' class_weight_to_sample_weights: each sample weighs class_weight[label] (1 when absent); labels are
 * y itself, its argmax over the last axis (one-hot), or y squeezed when the last axis is 1; rounded to int.
 */
export function classWeightToSampleWeights(y: Tensor, classWeight: Record<number | string, number>): Tensor {
  const n = y.rank === 0 ? 1 : y.shape[0];
  const last = y.rank > 1 ? y.shape[y.rank - 1] : 1;
  const v = y.values;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let label: number;
    if (y.rank > 1 && last !== 1) {
      let best = 0;
      for (let j = 1; j < last; j++) if (v[i * last + j] > v[i * last + best]) best = j;
      label = best;
    } else label = Math.round(Number(v[i]));
    const w = classWeight[label];
    out[i] = w === undefined ? 1 : w;
  }
  return new Tensor(out, [n], "float32");
}

/** Keras' train_validation_split: the first floor(n * (1 - split)) samples train, the rest validate (before any shuffle). */
export function splitAt(n: number, validationSplit: number): number {
  if (!(validationSplit > 0 && validationSplit < 1))
    throw new RangeError(`fit: validationSplit must be in (0, 1), got ${validationSplit}`);
  const at = Math.floor(n * (1.0 - validationSplit));
  if (at === 0 || at === n)
    throw new Error(
      `fit: ${n} samples are not enough to split into training and validation sets with validationSplit=${validationSplit}; give more data or another validationSplit`,
    );
  return at;
}

/** Something that yields batches epoch after epoch (see EpochIterator). */
export interface BatchSource {
  /** Batches per full pass, when known. */
  readonly numBatches: number | null;
  /** A fresh pass over the data. */
  iterator(): Iterator<Batch> | AsyncIterator<Batch>;
}

/** Arrays cut into batches of `batchSize` (the last one partial), optionally in a new random order each pass. */
export class ArrayBatches implements BatchSource {
  readonly numBatches: number;
  readonly numSamples: number;

  constructor(
    private readonly x: Tensor[],
    private readonly y: Tensor[] | null,
    private readonly sampleWeight: (Tensor | null)[] | null,
    private readonly batchSize: number,
    private readonly shuffle: boolean,
  ) {
    this.numSamples = numSamples({ x, ...(y ? { y } : {}), ...(sampleWeight ? { sampleWeight: sampleWeight.filter((w): w is Tensor => w !== null) } : {}) }, "fit");
    this.numBatches = Math.ceil(this.numSamples / batchSize);
  }

  *iterator(): Iterator<Batch> {
    const n = this.numSamples;
    const order = this.shuffle ? randomPermutation(n) : null;
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      const cut = order ? (t: Tensor) => takeRows(t, order.subarray(start, end)) : (t: Tensor) => sliceRows(t, start, end);
      yield {
        x: this.x.map(cut),
        y: this.y ? this.y.map(cut) : null,
        sampleWeight: this.sampleWeight ? this.sampleWeight.map((w) => (w ? cut(w) : null)) : null,
      };
    }
  }
}

/** Batches from a user dataset, unpacked and converted; class weights applied per batch. */
export class DatasetBatches implements BatchSource {
  /** Known when the dataset says how many batches a pass holds (a `cardinality` property, as tf.data's). */
  readonly numBatches: number | null;

  constructor(
    private readonly data: Dataset,
    private readonly outputNames: readonly string[],
    private readonly classWeight: Record<number | string, number> | null,
    private readonly what: string,
  ) {
    const c = typeof data === "object" && data !== null ? (data as { cardinality?: unknown }).cardinality : undefined;
    this.numBatches = typeof c === "number" && Number.isInteger(c) && c >= 0 ? c : null;
  }

  iterator(): Iterator<Batch> | AsyncIterator<Batch> {
    const src = typeof this.data === "function" ? this.data() : this.data;
    const convert = (e: DatasetElement): Batch => unpackElement(e, this.outputNames, this.classWeight, this.what);
    if (Symbol.asyncIterator in src) {
      const it = (src as AsyncIterable<DatasetElement>)[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<Batch>> {
          const r = await it.next();
          return r.done ? { done: true, value: undefined } : { done: false, value: convert(r.value) };
        },
      };
    }
    if (!(Symbol.iterator in Object(src)))
      throw new TypeError(`${this.what}: a dataset must be an iterable or async iterable of [x, y] batches, or a function returning one`);
    const it = (src as Iterable<DatasetElement>)[Symbol.iterator]();
    return {
      next(): IteratorResult<Batch> {
        const r = it.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: convert(r.value) };
      },
    };
  }
}

/** Keras' unpack_x_y_sample_weight for one dataset element. */
function unpackElement(e: DatasetElement, outputNames: readonly string[], classWeight: Record<number | string, number> | null, what: string): Batch {
  // An array element is always a tuple [x, y?, sampleWeight?] (multi-input x nests: [[x1, x2], y]).
  if (Array.isArray(e) && (e.length < 1 || e.length > 3))
    throw new Error(`${what}: a dataset element must be [x], [x, y] or [x, y, sampleWeight], got an array of ${e.length}`);
  const [x, y, sw] = Array.isArray(e) ? (e as unknown as [TensorData, (TensorData | NamedTensorData)?, TensorData?]) : [e as TensorData];
  const xs = toTensorList(x, what);
  const ys = y === undefined || y === null ? null : toTargetList(y, outputNames, what);
  let sws: (Tensor | null)[] | null = sw === undefined || sw === null ? null : toTensorList(sw, what);
  if (classWeight && ys) {
    if (sws) throw new Error(`${what}: give classWeight or sample weights in the dataset, not both`);
    if (ys.length > 1) throw new Error(`${what}: classWeight is only supported for models with a single output`);
    sws = [classWeightToSampleWeights(ys[0], classWeight)];
  }
  return { x: xs, y: ys, sampleWeight: sws };
}

/**
 * Keras' EpochIterator: yields (step, batch) for one epoch. With `stepsPerEpoch` it takes that many batches
 * and continues the same pass in the next epoch (starting a new pass when one runs out); without, it runs one
 * full pass. A pass that ends early stops the epoch.
 */
export class EpochIterator {
  private current: Iterator<Batch> | AsyncIterator<Batch> | null = null;
  private stepsSeen = 0;
  numBatches: number | null;

  constructor(
    readonly source: BatchSource,
    readonly stepsPerEpoch: number | null = null,
  ) {
    this.numBatches = source.numBatches;
  }

  /** The steps an epoch will run, when known. */
  get steps(): number | null {
    return this.stepsPerEpoch ?? this.numBatches;
  }

  /** The batches of one epoch, with their step index. */
  async *epoch(): AsyncGenerator<[number, Batch]> {
    const steps = this.stepsPerEpoch ?? this.numBatches;
    if (this.current === null || this.stepsPerEpoch === null) {
      this.current = this.source.iterator();
      this.stepsSeen = 0;
    }
    for (let step = 0; steps === null || step < steps; step++) {
      if (this.numBatches !== null && this.stepsSeen >= this.numBatches) break;
      const r = await this.current.next();
      if (r.done) {
        // The data ran out: now the size of a pass is known.
        if (this.numBatches === null) this.numBatches = this.stepsSeen;
        this.current = null;
        return;
      }
      this.stepsSeen++;
      yield [step, r.value];
    }
    if (this.numBatches !== null && this.stepsSeen >= this.numBatches) {
      this.current = null;
      this.stepsSeen = 0;
    }
  }
}
