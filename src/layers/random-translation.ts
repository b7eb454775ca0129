import type { Tensor } from "../tensor/tensor.js";
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation, affineTransform } from "./image-transform.js";
import { ImageAugmentation, type ImageAugmentationArgs, symmetricRange } from "./image-augmentation.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface RandomTranslationArgs extends ImageAugmentationArgs {
  /** Fraction of the height: f shifts by a random [-f, f] * height pixels; [lo, hi] by [lo, hi] * height. */
  heightFactor: number | readonly [number, number];
  /** Fraction of the width, likewise. */
  widthFactor: number | readonly [number, number];
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

/** Per image: the shift in pixels, [dx, dy] (positive moves the content right / down). */
export interface TranslationTransformation {
  translations: [number, number][];
}

/**
 * While training, shifts each image by a random offset, filling what is uncovered; the identity otherwise.
 *
 * @example
 * new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 2 }).apply(images, { training: true });
 */
export class RandomTranslation extends ImageAugmentation<TranslationTransformation> {
  static override className = "RandomTranslation";
  readonly heightFactor: number | readonly [number, number];
  readonly widthFactor: number | readonly [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.heightRange = symmetricRange(this.label, "heightFactor", args.heightFactor, false);
    this.widthRange = symmetricRange(this.label, "widthFactor", args.widthFactor, false);
    this.fillMode = args.fillMode ?? "reflect";
    this.interpolation = args.interpolation ?? "bilinear";
    this.fillValue = args.fillValue ?? 0;
    if (!FILL_MODES.includes(this.fillMode)) throw new Error(`${this.label}: fillMode must be one of ${FILL_MODES.join(", ")}, got ${JSON.stringify(args.fillMode)}`);
    if (!INTERPOLATIONS.includes(this.interpolation))
      throw new Error(`${this.label}: interpolation must be "bilinear" or "nearest", got ${JSON.stringify(args.interpolation)}`);
  }

  override getRandomTransformation(shape: readonly number[]): TranslationTransformation {
    const [h, w] = this.imageSize(shape);
    const n = shape[0];
    const dy = this.uniform(n, this.heightRange[0], this.heightRange[1]);
    const dx = this.uniform(n, this.widthRange[0], this.widthRange[1]);
    return { translations: dx.map((x, i) => [Math.fround(x * w), Math.fround(dy[i] * h)]) };
  }

  override transformImages(images: Tensor, t: TranslationTransformation): Tensor {
    return affineTransform(images, t.translations.map(([dx, dy]) => [1, 0, -dx, 0, 1, -dy, 0, 0]), this);
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor, fillMode: this.fillMode,
      interpolation: this.interpolation, fillValue: this.fillValue,
    };
  }
}
registerLayer(RandomTranslation);
