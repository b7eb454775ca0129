// The course's HappyModel (Coursera "Convolutional Neural Networks", week 1, "Convolution model -
// Application"): a binary smile classifier over 64x64x3 images, as a Sequential model.
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { Flatten } from "../layers/flatten.js";
import { MaxPooling2D } from "../layers/max-pooling2d.js";
import { ReLU } from "../layers/relu.js";
import { ZeroPadding2D } from "../layers/zero-padding2d.js";
import { Input } from "../layers/input-layer.js";
import { Sequential } from "../models/sequential.js";

export interface HappyModelArgs {
  /** Shape of one image; default [64, 64, 3]. */
  inputShape?: readonly number[];
  /** The model's name; default "sequential" (Keras' name in a fresh session). */
  name?: string;
}

/**
 * HappyModel: ZeroPadding2D(3) -> Conv2D(32, 7x7) -> BatchNormalization(axis 3) -> ReLU -> MaxPooling2D(2)
 * -> Flatten -> Dense(1, sigmoid); 37,633 parameters (37,569 trainable) at 64x64x3. Layer names are
 * Keras' automatic ones in a fresh session (zero_padding2d, conv2d, batch_normalization, re_lu, ...).
 *
 * @example
 * const model = happyModel();
 * model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
 */
export function happyModel(args: HappyModelArgs = {}): Sequential {
  const shape = args.inputShape ?? [64, 64, 3];
  return new Sequential({
    name: args.name ?? "sequential",
    layers: [
      Input({ shape, name: "input_layer" }),
      new ZeroPadding2D({ padding: 3, name: "zero_padding2d" }),
      new Conv2D({ filters: 32, kernelSize: 7, strides: 1, name: "conv2d" }),
      new BatchNormalization({ axis: 3, name: "batch_normalization" }),
      new ReLU({ name: "re_lu" }),
      new MaxPooling2D({ name: "max_pooling2d" }),
      new Flatten({ name: "flatten" }),
      new Dense({ units: 1, activation: "sigmoid", name: "dense" }),
    ],
  });
}
