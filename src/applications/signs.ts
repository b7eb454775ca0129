// The course's SIGNS ConvNet (Coursera "Convolutional Neural Networks", week 1, "Convolution model -
// Application", convolutional_model): hand signs 0..5 from 64x64x3 images, with the functional API.
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { Flatten } from "../layers/flatten.js";
import { Input } from "../layers/input-layer.js";
import { MaxPooling2D } from "../layers/max-pooling2d.js";
import { ReLU } from "../layers/relu.js";
import { Model } from "../models/model.js";
import { sym } from "./common.js";

export interface SignsModelArgs {
  /** Shape of one image; default [64, 64, 3]. */
  inputShape?: readonly number[];
  /** Number of classes; default 6. */
  classes?: number;
  /** The model's name; default "functional" (Keras' name in a fresh session). */
  name?: string;
}

/**
 * The SIGNS ConvNet: CONV2D 4x4x8 same -> ReLU -> MaxPool 8x8 stride 8 same -> CONV2D 2x2x16 same -> ReLU
 * -> MaxPool 4x4 stride 4 same -> Flatten -> Dense 6 softmax; 1,310 parameters at 64x64x3. Layer names
 * are Keras' automatic ones in a fresh session (conv2d, re_lu, max_pooling2d, conv2d_1, ...).
 *
 * @example
 * const model = signsModel();
 * model.predict(images).shape; // [n, 6]
 */
export function signsModel(args: SignsModelArgs = {}): Model {
  const input = Input({ shape: args.inputShape ?? [64, 64, 3], name: "input_layer" });
  let x = sym(new Conv2D({ filters: 8, kernelSize: 4, strides: 1, padding: "same", name: "conv2d" }).apply(input));
  x = sym(new ReLU({ name: "re_lu" }).apply(x));
  x = sym(new MaxPooling2D({ poolSize: 8, strides: 8, padding: "same", name: "max_pooling2d" }).apply(x));
  x = sym(new Conv2D({ filters: 16, kernelSize: 2, strides: 1, padding: "same", name: "conv2d_1" }).apply(x));
  x = sym(new ReLU({ name: "re_lu_1" }).apply(x));
  x = sym(new MaxPooling2D({ poolSize: 4, strides: 4, padding: "same", name: "max_pooling2d_1" }).apply(x));
  x = sym(new Flatten({ name: "flatten" }).apply(x));
  const out = sym(new Dense({ units: args.classes ?? 6, activation: "softmax", name: "dense" }).apply(x));
  return new Model({ inputs: input, outputs: out, name: args.name ?? "functional" });
}
