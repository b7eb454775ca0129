import type { Tensor } from "../tensor/tensor.js";
import { FILL_MODES, type FillMode, INTERPOLATIONS, type Interpolation, affineTransform } from "./image-transform.js";
import { ImageAugmentation, type ImageAugmentationArgs, factorRange } from "./image-augmentation.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export interface RandomRotationArgs extends ImageAugmentationArgs {
  /** Fraction of a full turn: f rotates by a random angle in [-f, f] * 360 degrees; [lo, hi] in [lo, hi] * 360. */
  factor: number | readonly [number, number];
  /** How points outside the image are filled: "reflect" (default), "wrap", "constant", "nearest". */
  fillMode?: FillMode;
  interpolation?: Interpolation;
  /** The value of "constant" fill; default 0. */
  fillValue?: number;
}

/** Per image: the rotation angle in degrees (counter-clockwise for positive angles, as Keras). */
export interface RotationTransformation {
  angle: number[];
}

/** The projective transform rotating an h x w image by `angle` degrees about its center (Keras' affine matrix). */
export function rotationMatrix(angle: number, h: number, w: number): number[] {
  const f = Math.fround;
  const rad = f(f(angle) * f(Math.PI / 180));
  const cos = f(Math.cos(rad));
  const sin = f(Math.sin(rad));
  const cx = f(0.5 * (w - 1));
  const cy = f(0.5 * (h - 1));
  const a2 = f(f(cx - f(cx * cos)) - f(cy * -sin));
  const b2 = f(f(cy - f(cx * sin)) - f(cy * cos));
  return [cos, -sin, a2, sin, cos, b2, 0, 0];
}

/**
 * While training, rotates each image by a random angle, filling the uncovered corners; the identity otherwise.
 *
 * @example
 * new RandomRotation({ factor: 0.1, seed: 3 }).apply(images, { training: true }); // within ±36 degrees
 */
export class RandomRotation extends ImageAugmentation<RotationTransformation> {
  static override className = "RandomRotation";
  readonly factor: [number, number];
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = factorRange(this.label, args.factor, [-1, 1]);
    this.fillMode = args.fillMode ?? "reflect";
    this.interpolation = args.interpolation ?? "bilinear";
    this.fillValue = args.fillValue ?? 0;
    if (!FILL_MODES.includes(this.fillMode)) throw new Error(`${this.label}: fillMode must be one of ${FILL_MODES.join(", ")}, got ${JSON.stringify(args.fillMode)}`);
    if (!INTERPOLATIONS.includes(this.interpolation))
      throw new Error(`${this.label}: interpolation must be "bilinear" or "nearest", got ${JSON.stringify(args.interpolation)}`);
  }

  override getRandomTransformation(shape: readonly number[]): RotationTransformation {
    return { angle: this.uniform(shape[0], this.factor[0] * 360, this.factor[1] * 360) };
  }

  override transformImages(images: Tensor, t: RotationTransformation): Tensor {
    const [h, w] = this.imageSize(images.shape);
    return affineTransform(images, t.angle.map((a) => rotationMatrix(a, h, w)), this);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), factor: [...this.factor], fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}
registerLayer(RandomRotation);
