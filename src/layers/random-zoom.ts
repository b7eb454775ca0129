import type { Tensor } from "../tensor/tensor.js";
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation, affineTransform } from "./image-transform.js";
import { ImageAugmentation, type ImageAugmentationArgs, symmetricRange } from "./image-augmentation.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface RandomZoomArgs extends ImageAugmentationArgs {
  /** f: the height is scaled by a random 1 + [-f, f]; [lo, hi]: by 1 + [lo, hi]. Positive values zoom out, negative zoom in. */
  heightFactor: number | readonly [number, number];
  /** Same for the width; default null: the height's zoom, keeping the aspect ratio. */
  widthFactor?: number | readonly [number, number] | null;
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

/** Per image: the zoom factors (input pixels per output pixel) along height and width. */
export interface ZoomTransformation {
  heightZoom: number[];
  widthZoom: number[];
}

/**
 * While training, zooms each image in or out by a random factor about its center; the identity otherwise.
 *
 * @example
 * new RandomZoom({ heightFactor: 0.2, seed: 5 }).apply(images, { training: true });
 */
export class RandomZoom extends ImageAugmentation<ZoomTransformation> {
  static override className = "RandomZoom";
  readonly heightFactor: number | readonly [number, number];
  readonly widthFactor: number | readonly [number, number] | null;
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.heightRange = symmetricRange(this.label, "heightFactor", args.heightFactor, true);
    this.widthRange = this.widthFactor === null ? null : symmetricRange(this.label, "widthFactor", this.widthFactor, true);
    this.fillMode = args.fillMode ?? "reflect";
    this.interpolation = args.interpolation ?? "bilinear";
    this.fillValue = args.fillValue ?? 0;
    if (!FILL_MODES.includes(this.fillMode)) throw new Error(`${this.label}: fillMode must be one of ${FILL_MODES.join(", ")}, got ${JSON.stringify(args.fillMode)}`);
    if (!INTERPOLATIONS.includes(this.interpolation))
      throw new Error(`${this.label}: interpolation must be "bilinear" or "nearest", got ${JSON.stringify(args.interpolation)}`);
  }

  override getRandomTransformation(shape: readonly number[]): ZoomTransformation {
    const n = shape[0];
    const heightZoom = this.uniform(n, 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const widthZoom = this.widthRange ? this.uniform(n, 1 + this.widthRange[0], 1 + this.widthRange[1]) : heightZoom;
    return { heightZoom, widthZoom };
  }

  override transformImages(images: Tensor, t: ZoomTransformation): Tensor {
    const f = Math.fround;
    const [h, w] = this.imageSize(images.shape);
    const matrices = t.heightZoom.map((zy0, i) => {
      const zx = f(t.widthZoom[i]);
      const zy = f(zy0);
      return [zx, 0, f(f((w - 1) / 2) * f(1 - zx)), 0, zy, f(f((h - 1) / 2) * f(1 - zy)), 0, 0];
    });
    return affineTransform(images, matrices, this);
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor, fillMode: this.fillMode,
      interpolation: this.interpolation, fillValue: this.fillValue,
    };
  }
}
registerLayer(RandomZoom);
