import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { where } from "../ops/compare.js";
import { reverse } from "../ops/movement.js";
import { ImageAugmentation, type ImageAugmentationArgs } from "./image-augmentation.js";
import type { LayerConfig } from "./layer.js";
import { registerLayer } from "./registry.js";

export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";

export interface RandomFlipArgs extends ImageAugmentationArgs {
  /** Which flips; default "horizontal_and_vertical" (both or neither, with probability 1/2 each, as Keras 3). */
  mode?: FlipMode;
}

/** Per image: whether it is flipped. */
export interface FlipTransformation {
  flips: boolean[];
}

/**
 * While training, flips each image left-right and/or upside down with probability 1/2; the identity otherwise.
 *
 * @example
 * new RandomFlip({ mode: "horizontal", seed: 1 }).apply(images, { training: true });
 */
export class RandomFlip extends ImageAugmentation<FlipTransformation> {
  static override className = "RandomFlip";
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    this.mode = args.mode ?? "horizontal_and_vertical";
    if (!["horizontal", "vertical", "horizontal_and_vertical"].includes(this.mode))
      throw new Error(`${this.label}: mode must be "horizontal", "vertical" or "horizontal_and_vertical", got ${JSON.stringify(args.mode)}`);
  }

  override getRandomTransformation(shape: readonly number[]): FlipTransformation {
    return { flips: this.uniform(shape[0], 0, 1).map((u) => u <= 0.5) };
  }

  override transformImages(images: Tensor, t: FlipTransformation): Tensor {
    const [ha, wa] = this.dataFormat === "channelsFirst" ? [2, 3] : [1, 2];
    const axes = this.mode === "horizontal" ? [wa] : this.mode === "vertical" ? [ha] : [ha, wa];
    const mask = tensor(t.flips, [images.shape[0], 1, 1, 1], "bool");
    return where(mask, reverse(images, axes), images);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), mode: this.mode };
  }
}
registerLayer(RandomFlip);
