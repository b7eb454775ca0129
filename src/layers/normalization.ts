import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, toTensor, zeros } from "../tensor/create.js";
import { add, div, maximum, mul, sub } from "../ops/arithmetic.js";
import { broadcastTo } from "../ops/broadcast.js";
import { sqrt, square } from "../ops/math.js";
import { mean as reduceMean } from "../ops/reduce.js";
import { reshape } from "../ops/reshape.js";
import { type SymShape, fmtSymShape } from "../models/symbolic.js";
import { Layer, type LayerArgs, type LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";
import type { LayerWeight } from "./weight.js";

export interface NormalizationArgs extends LayerArgs {
  /** Axis or axes that keep their own statistics (default -1: one mean per feature); null: one mean for all. */
  axis?: number | readonly number[] | null;
  /** Fixed mean (broadcast along the kept axes); give it with `variance`, or call `adapt(data)` instead. */
  mean?: number | readonly number[] | null;
  variance?: number | readonly number[] | null;
  /** Undo a normalization instead: x * sqrt(variance) + mean. */
  invert?: boolean;
}

/**
 * Feature-wise standardization, `(x - mean) / sqrt(variance)` (the root floored at 1e-7), with the statistics
 * given or computed from data by `adapt`. Adapted statistics are the non-trainable weights mean, variance
 * (and count, which Keras 3 leaves at 0).
 *
 * @example
 * const norm = new Normalization();
 * norm.adapt(trainX); // per-feature mean and variance
 * norm.apply(testX);
 */
export class Normalization extends Layer {
  static override className = "Normalization";
  readonly axis: number[];
  readonly invert: boolean;
  readonly inputMean: number | number[] | null;
  readonly inputVariance: number | number[] | null;
  adaptMean: LayerWeight | null = null;
  adaptVariance: LayerWeight | null = null;
  count: LayerWeight | null = null;
  private keepAxes: number[] = [];
  private reduceAxes: number[] = [];
  private broadcastShape: number[] = [];
  private fixed: { mean: Tensor; variance: Tensor } | null = null;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const axis = args.axis === undefined ? -1 : args.axis;
    this.axis = axis === null ? [] : typeof axis === "number" ? [axis] : [...axis];
    if (this.axis.some((a) => !Number.isInteger(a))) throw new Error(`${this.label}: axis must be integers or null, got ${JSON.stringify(args.axis)}`);
    this.invert = args.invert ?? false;
    const m = args.mean ?? null;
    const v = args.variance ?? null;
    if ((m === null) !== (v === null)) throw new Error(`${this.label}: give both mean and variance, or neither (then call adapt)`);
    const shapeOf = (x: number | readonly number[]): number[] => (typeof x === "number" ? [] : [x.length]);
    if (m !== null && JSON.stringify(shapeOf(m)) !== JSON.stringify(shapeOf(v!)))
      throw new Error(`${this.label}: mean and variance must have the same shape, got ${JSON.stringify(m)} and ${JSON.stringify(v)}`);
    if (m !== null && shapeOf(m).length > this.axis.length)
      throw new Error(`${this.label}: a mean of rank ${shapeOf(m).length} needs at least that many axes, got axis ${JSON.stringify(args.axis)}`);
    this.inputMean = m === null ? null : typeof m === "number" ? m : [...m];
    this.inputVariance = v === null ? null : typeof v === "number" ? v : [...v];
  }

  override build(inputShape: SymShape): void {
    const nd = inputShape.length;
    if (this.axis.some((a) => a < -nd || a >= nd))
      throw new Error(`${this.label}: axis ${JSON.stringify(this.axis)} is out of range for input ${fmtSymShape(inputShape)}`);
    this.keepAxes = [...new Set(this.axis.map((a) => (a < 0 ? a + nd : a)))].sort((a, b) => a - b);
    if (this.keepAxes.some((a) => inputShape[a] === null))
      throw new Error(`${this.label}: the kept axes ${JSON.stringify(this.axis)} of input ${fmtSymShape(inputShape)} must have known sizes`);
    this.reduceAxes = inputShape.map((_, i) => i).filter((i) => !this.keepAxes.includes(i));
    this.broadcastShape = inputShape.map((d, i) => (this.keepAxes.includes(i) ? (d as number) : 1));
    const statShape = this.keepAxes.map((a) => inputShape[a] as number);
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight("mean", statShape, { initializer: "zeros", trainable: false });
      this.adaptVariance = this.addWeight("variance", statShape, { initializer: "ones", trainable: false });
      this.count = this.addWeight("count", [], { initializer: "zeros", trainable: false, dtype: "int32" });
    } else {
      // A vector lines up with the last kept axes (Keras' rule), then broadcasts to the kept sizes.
      const layout = (v: number | number[]): Tensor => {
        const t = toTensor(v, this.name, this.dtype);
        const shape = this.broadcastShape.map(() => 1);
        for (let i = 1; i <= t.rank; i++) shape[this.keepAxes[this.keepAxes.length - i]] = t.shape[t.rank - i];
        return broadcastTo(reshape(t, shape), this.broadcastShape);
      };
      this.fixed = { mean: layout(this.inputMean), variance: layout(this.inputVariance!) };
    }
  }

  /**
   * Computes the mean and variance of `data` over every axis but the kept ones: one tensor, or a list of
   * batches (combined exactly, as Keras does for datasets). Builds the layer for the data's shape if needed.
   */
  adapt(data: TensorLike | readonly Tensor[]): void {
    if (this.inputMean !== null) throw new Error(`${this.label}: adapt() computes the statistics, but mean and variance were given`);
    const batches = Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof Tensor)
      ? (data as Tensor[]).map((d) => toTensor(d, `${this.name}.adapt`, this.dtype))
      : [toTensor(data as TensorLike, `${this.name}.adapt`, this.dtype)];
    this.maybeBuild(batches[0].shape);
    for (const b of batches)
      for (const a of this.keepAxes)
        if (b.rank !== this.broadcastShape.length || b.shape[a] !== this.broadcastShape[a])
          throw new Error(`${this.label}.adapt: data of shape ${fmtSymShape(b.shape)} does not match the layer's input shape ${fmtSymShape(this.buildInputShape as SymShape)}`);
    const statShape = this.adaptMean!.shape;
    const stats = (b: Tensor): { m: Tensor; v: Tensor; n: number } => {
      if (this.reduceAxes.length === 0) return { m: reshape(b, statShape), v: zeros(statShape, this.dtype), n: 1 };
      const m = reduceMean(b, this.reduceAxes, { keepDims: true });
      const v = reduceMean(square(sub(b, m)), this.reduceAxes);
      return { m: reshape(m, statShape), v: reshape(v, statShape), n: this.reduceAxes.reduce((p, a) => p * b.shape[a], 1) };
    };
    let { m: totalMean, v: totalVar, n: total } = stats(batches[0]);
    for (const b of batches.slice(1)) {
      const s = stats(b);
      total += s.n;
      const wb = s.n / total;
      const we = 1 - wb;
      const newMean = add(mul(totalMean, we), mul(s.m, wb));
      totalVar = add(mul(add(totalVar, square(sub(totalMean, newMean))), we), mul(add(s.v, square(sub(s.m, newMean))), wb));
      totalMean = newMean;
    }
    this.adaptMean!.assign(totalMean);
    this.adaptVariance!.assign(totalVar);
  }

  override call(inputs: Tensor): Tensor {
    const mean = this.fixed ? this.fixed.mean : reshape(this.adaptMean!, this.broadcastShape);
    const variance = this.fixed ? this.fixed.variance : reshape(this.adaptVariance!, this.broadcastShape);
    const std = maximum(sqrt(variance), 1e-7);
    return this.invert ? add(mean, mul(inputs, std)) : div(sub(inputs, mean), std);
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    const copy = (v: number | number[] | null): number | number[] | null => (Array.isArray(v) ? [...v] : v);
    return {
      ...super.getConfig(), axis: this.axis.length === 0 ? null : [...this.axis], invert: this.invert,
      mean: copy(this.inputMean), variance: copy(this.inputVariance),
    };
  }
}
registerLayer(Normalization);
