// Internal: the base of the random image augmentation layers (Keras' BaseImagePreprocessingLayer):
// active only when training, one random transformation per image drawn from a seeded generator.
import type { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { Generator, generatorFor } from "../tensor/random.js";
import { cast } from "../ops/cast.js";
import { expandDims, squeeze } from "../ops/reshape.js";
import type { SymShape } from "../models/symbolic.js";
import { type DataFormat, normalizeDataFormat } from "./data-format.js";
import { spatialAxes } from "./conv-utils.js";
import { type CallOptions, Layer, type LayerArgs, type LayerConfig } from "./layer.js";

export interface ImageAugmentationArgs extends LayerArgs {
  /** Makes the sequence of random transformations reproducible. */
  seed?: number | null;
  dataFormat?: DataFormat | "channels_last" | "channels_first";
}

/**
 * Base of the augmentation layers: the identity unless called with `training: true`; then
 * `getRandomTransformation` draws the parameters for a batch and `transformImages` applies them.
 * Accepts one image (rank 3) or a batch (rank 4).
 */
export abstract class ImageAugmentation<T> extends Layer {
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  private readonly generator: Generator | undefined;

  constructor(args: ImageAugmentationArgs = {}) {
    super(args);
    this.seed = args.seed ?? null;
    this.generator = this.seed === null ? undefined : new Generator(this.seed);
    this.dataFormat = normalizeDataFormat(this.label, args.dataFormat);
    this.inputSpec = { minNdim: 3, maxNdim: 4 };
  }

  /** The layer's generator (seeded), or the global one. */
  protected rng(): Generator {
    return this.generator ?? generatorFor();
  }

  /** `n` uniform draws in [lo, hi), rounded to float32 as Keras' random.uniform gives them. */
  protected uniform(n: number, lo: number, hi: number): number[] {
    const g = this.rng();
    return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * g.uniform()));
  }

  /** [height, width] of a rank-4 batch in this layer's layout. */
  protected imageSize(shape: readonly number[]): [number, number] {
    const [ha, wa] = spatialAxes(this.dataFormat);
    return [shape[ha], shape[wa]];
  }

  /** Random parameters for a batch of `shape` (rank 4). */
  abstract getRandomTransformation(shape: readonly number[]): T;

  /** Applies `transformation` to a rank-4 batch. */
  abstract transformImages(images: Tensor, transformation: T): Tensor;

  override call(inputs: Tensor, opts: CallOptions): Tensor {
    if (!opts.training) return inputs;
    let x = isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
    const single = x.rank === 3;
    if (single) x = expandDims(x, 0);
    const y = this.transformImages(x, this.getRandomTransformation(x.shape));
    return single ? squeeze(y, [0]) : y;
  }

  override computeOutputShape(inputShape: SymShape): SymShape {
    return inputShape;
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), seed: this.seed, dataFormat: this.dataFormat };
  }
}

/**
 * Keras' factor rule: a number f gives [max(-|f|, lo), |f|]; a pair is sorted. Bounds [lo, hi] check
 * the values (RandomRotation: [-1, 1]; RandomContrast: [0, 1], so a number f gives [0, f]).
 */
export function factorRange(label: string, factor: number | readonly [number, number], bounds: [number, number]): [number, number] {
  const bad = (): never => {
    throw new Error(`${label}: factor must be a number or a pair of numbers in [${bounds[0]}, ${bounds[1]}], got ${JSON.stringify(factor)}`);
  };
  if (typeof factor === "number") {
    if (!Number.isFinite(factor) || factor < bounds[0] || factor > bounds[1]) bad();
    const a = Math.abs(factor);
    return [Math.max(-a, bounds[0]), a];
  }
  if (!Array.isArray(factor) || factor.length !== 2 || factor.some((v) => typeof v !== "number" || !Number.isFinite(v))) bad();
  if (factor[0] > bounds[1] || factor[1] < bounds[0]) bad();
  const [lo, hi] = [...factor].sort((p, q) => p - q);
  return [lo, hi];
}

/** Keras' height/width factor rule of RandomZoom and RandomTranslation: f gives [-|f|, |f|]; values in (-1, 1] or [-1, 1]. */
export function symmetricRange(label: string, name: string, factor: number | readonly [number, number], openBelow: boolean): [number, number] {
  const check = (v: number): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v > 1 || (openBelow ? v <= -1 : v < -1))
      throw new Error(`${label}: ${name} must be a number or a pair of numbers in ${openBelow ? "(-1, 1]" : "[-1, 1]"}, got ${JSON.stringify(factor)}`);
  };
  if (typeof factor === "number") {
    check(factor);
    return [-Math.abs(factor), Math.abs(factor)];
  }
  if (!Array.isArray(factor) || factor.length !== 2) check(NaN);
  factor.forEach(check);
  const [lo, hi] = [...factor].sort((p, q) => p - q);
  return [lo, hi];
}
