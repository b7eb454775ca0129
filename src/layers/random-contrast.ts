import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { add, mul, sub } from "../ops/arithmetic.js";
import { clip } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { ImageAugmentation, type ImageAugmentationArgs, factorRange } from "./image-augmentation.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface RandomContrastArgs extends ImageAugmentationArgs {
  /**
   * Contrast change: each image's contrast factor is drawn from [1 - lo, 1 + hi], where a number f gives
   * [lo, hi] = [0, f] (Keras 3's rule) and a pair in [0, 1] gives itself.
   */
  factor: number | readonly [number, number];
  /** Outputs are clipped to this range; default [0, 255]. */
  valueRange?: readonly [number, number];
}

/** Per image: the contrast factor. */
export interface ContrastTransformation {
  contrastFactor: number[];
}

/**
 * While training, scales each image's deviation from its per-channel mean by a random factor, then clips to
 * valueRange; the identity otherwise.
 *
 * @example
 * new RandomContrast({ factor: 0.2, valueRange: [0, 1], seed: 4 }).apply(images, { training: true });
 */
export class RandomContrast extends ImageAugmentation<ContrastTransformation> {
  static override className = "RandomContrast";
  readonly factor: [number, number];
  readonly valueRange: [number, number];

  constructor(args: RandomContrastArgs) {
    super(args);
    this.factor = factorRange(this.label, args.factor, [0, 1]);
    const vr = args.valueRange ?? [0, 255];
    if (!Array.isArray(vr) || vr.length !== 2 || !(vr[0] < vr[1]))
      throw new Error(`${this.label}: valueRange must be [low, high] with low < high, got ${JSON.stringify(args.valueRange)}`);
    this.valueRange = [vr[0], vr[1]];
  }

  override getRandomTransformation(shape: readonly number[]): ContrastTransformation {
    return { contrastFactor: this.uniform(shape[0], 1 - this.factor[0], 1 + this.factor[1]) };
  }

  override transformImages(images: Tensor, t: ContrastTransformation): Tensor {
    const axes = this.dataFormat === "channelsFirst" ? [2, 3] : [1, 2];
    const m = mean(images, axes, { keepDims: true });
    const factor = tensor(t.contrastFactor, [images.shape[0], 1, 1, 1], images.dtype);
    return clip(add(mul(sub(images, m), factor), m), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), factor: [...this.factor], valueRange: [...this.valueRange] };
  }
}
registerLayer(RandomContrast);
