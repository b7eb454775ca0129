// VGG16 and VGG19 as keras.applications builds them: same layer names (block1_conv1, ..., block5_pool,
// flatten, fc1, fc2, predictions), shapes and parameter counts.
import type { Tensor } from "../tensor/tensor.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { Flatten } from "../layers/flatten.js";
import { Input } from "../layers/input-layer.js";
import { MaxPooling2D } from "../layers/max-pooling2d.js";
import { Model } from "../models/model.js";
import {
  type ApplicationArgs, checkClasses, buildApplication, type WithWeights, obtainInputShape, poolFeatures, sym,
} from "./common.js";
import { type DecodedPrediction, decodePredictions as decodeImagenet, preprocessInput as preprocessImagenet, type PreprocessOptions } from "./imagenet.js";

/** Keras' VGG: blocks of 3x3 "same" ReLU convolutions (`convs[i]` in block i + 1), each closed by a 2x2 max pool. */
function vgg(label: string, convs: readonly number[], defaultName: string, args: ApplicationArgs): Model | Promise<Model> {
  const { includeTop = true, weights = null, pooling = null, classes = 1000, classifierActivation = "softmax" } = args;
  return buildApplication(label, weights, () => {
    checkClasses(label, classes);
    const shape = obtainInputShape(label, args.inputShape, { defaultSize: 224, minSize: 32, requireFlatten: includeTop });
    const input = Input({ shape });
    const filters = [64, 128, 256, 512, 512];
    let x = input;
    convs.forEach((n, b) => {
      for (let i = 1; i <= n; i++)
        x = sym(new Conv2D({ filters: filters[b], kernelSize: 3, activation: "relu", padding: "same", name: `block${b + 1}_conv${i}` }).apply(x));
      x = sym(new MaxPooling2D({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x));
    });
    if (includeTop) {
      x = sym(new Flatten({ name: "flatten" }).apply(x));
      x = sym(new Dense({ units: 4096, activation: "relu", name: "fc1" }).apply(x));
      x = sym(new Dense({ units: 4096, activation: "relu", name: "fc2" }).apply(x));
      x = sym(new Dense({ units: classes, activation: classifierActivation, name: "predictions" }).apply(x));
    } else x = poolFeatures(label, x, pooling);
    return new Model({ inputs: input, outputs: x, name: args.name ?? defaultName });
  });
}

/**
 * VGG16 as `keras.applications.VGG16`: 138,357,544 parameters with the top (553 MB of float32 weights).
 *
 * @example
 * const features = vgg16({ includeTop: false, inputShape: [64, 64, 3] }); // [null, 2, 2, 512]
 */
export function vgg16(args: WithWeights<ApplicationArgs>): Promise<Model>;
export function vgg16(args?: ApplicationArgs & { weights?: null }): Model;
export function vgg16(args: ApplicationArgs = {}): Model | Promise<Model> {
  return vgg("vgg16", [2, 2, 3, 3, 3], "vgg16", args);
}

/** VGG19 as `keras.applications.VGG19`: 143,667,240 parameters with the top (the course's style-transfer backbone). */
export function vgg19(args: WithWeights<ApplicationArgs>): Promise<Model>;
export function vgg19(args?: ApplicationArgs & { weights?: null }): Model;
export function vgg19(args: ApplicationArgs = {}): Model | Promise<Model> {
  return vgg("vgg19", [2, 2, 4, 4, 4], "vgg19", args);
}

/** `keras.applications.vgg16.preprocess_input` (and vgg19's): RGB to BGR, minus the ImageNet mean ("caffe"). */
export function preprocessInput(x: Tensor, opts: Omit<PreprocessOptions, "mode"> = {}): Tensor {
  return preprocessImagenet(x, { ...opts, mode: "caffe" });
}

/** `keras.applications.vgg16.decode_predictions` (and vgg19's). */
export function decodePredictions(preds: Tensor, top = 5): DecodedPrediction[][] {
  return decodeImagenet(preds, top);
}
