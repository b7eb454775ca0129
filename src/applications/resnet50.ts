// ResNet50 (and ResNet101 / ResNet152) as keras.applications.resnet builds them: same layer names
// (conv1_conv, conv2_block1_0_conv, ..., predictions), shapes and parameter counts, so that Keras weight
// files map by name.
import type { Tensor } from "../tensor/tensor.js";
import { Activation } from "../layers/activation.js";
import { Add } from "../layers/add.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { GlobalAveragePooling2D } from "../layers/global-average-pooling2d.js";
import { Input } from "../layers/input-layer.js";
import { MaxPooling2D } from "../layers/max-pooling2d.js";
import { ZeroPadding2D } from "../layers/zero-padding2d.js";
import { Model } from "../models/model.js";
import type { SymbolicTensor } from "../models/symbolic.js";
import {
  type ApplicationArgs, checkClasses, buildApplication, type WithWeights, obtainInputShape, poolFeatures, sym,
} from "./common.js";
import { type DecodedPrediction, decodePredictions as decodeImagenet, preprocessInput as preprocessImagenet, type PreprocessOptions } from "./imagenet.js";

const BN_EPSILON = 1.001e-5;

/** Keras' residual_block_v1: 1x1 -> 3x3 -> 1x1 bottleneck plus a shortcut (a 1x1 conv when `convShortcut`). */
function residualBlockV1(x: SymbolicTensor, filters: number, name: string, stride = 1, convShortcut = true): SymbolicTensor {
  const bn = (n: string, t: SymbolicTensor): SymbolicTensor =>
    sym(new BatchNormalization({ axis: 3, epsilon: BN_EPSILON, name: `${name}_${n}_bn` }).apply(t));
  let shortcut = x;
  if (convShortcut) shortcut = bn("0", sym(new Conv2D({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }).apply(x)));
  let y = sym(new Conv2D({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }).apply(x));
  y = sym(new Activation({ activation: "relu", name: `${name}_1_relu` }).apply(bn("1", y)));
  y = sym(new Conv2D({ filters, kernelSize: 3, padding: "same", name: `${name}_2_conv` }).apply(y));
  y = sym(new Activation({ activation: "relu", name: `${name}_2_relu` }).apply(bn("2", y)));
  y = bn("3", sym(new Conv2D({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }).apply(y)));
  y = sym(new Add({ name: `${name}_add` }).apply([shortcut, y]));
  return sym(new Activation({ activation: "relu", name: `${name}_out` }).apply(y));
}

/** Keras' stack_residual_blocks_v1: a block with a conv shortcut, then `blocks - 1` identity blocks. */
function stackV1(x: SymbolicTensor, filters: number, blocks: number, name: string, stride1 = 2): SymbolicTensor {
  x = residualBlockV1(x, filters, `${name}_block1`, stride1);
  for (let i = 2; i <= blocks; i++) x = residualBlockV1(x, filters, `${name}_block${i}`, 1, false);
  return x;
}

/** Keras' ResNet (v1) builder: stem, the four stacks of `blocks`, and the head. */
function resNetV1(label: string, blocks: readonly [number, number, number, number], defaultName: string, args: ApplicationArgs): Model | Promise<Model> {
  const { includeTop = true, weights = null, pooling = null, classes = 1000, classifierActivation = "softmax" } = args;
  return buildApplication(label, weights, () => {
    checkClasses(label, classes);
    const shape = obtainInputShape(label, args.inputShape, { defaultSize: 224, minSize: 32, requireFlatten: includeTop });
    const input = Input({ shape });
    let x = sym(new ZeroPadding2D({ padding: [[3, 3], [3, 3]], name: "conv1_pad" }).apply(input));
    x = sym(new Conv2D({ filters: 64, kernelSize: 7, strides: 2, name: "conv1_conv" }).apply(x));
    x = sym(new BatchNormalization({ axis: 3, epsilon: BN_EPSILON, name: "conv1_bn" }).apply(x));
    x = sym(new Activation({ activation: "relu", name: "conv1_relu" }).apply(x));
    x = sym(new ZeroPadding2D({ padding: [[1, 1], [1, 1]], name: "pool1_pad" }).apply(x));
    x = sym(new MaxPooling2D({ poolSize: 3, strides: 2, name: "pool1_pool" }).apply(x));
    x = stackV1(x, 64, blocks[0], "conv2", 1);
    x = stackV1(x, 128, blocks[1], "conv3");
    x = stackV1(x, 256, blocks[2], "conv4");
    x = stackV1(x, 512, blocks[3], "conv5");
    if (includeTop) {
      x = sym(new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x));
      x = sym(new Dense({ units: classes, activation: classifierActivation, name: "predictions" }).apply(x));
    } else x = poolFeatures(label, x, pooling, { avg: "avg_pool", max: "max_pool" });
    return new Model({ inputs: input, outputs: x, name: args.name ?? defaultName });
  });
}

/**
 * ResNet50 as `keras.applications.ResNet50`: 25,636,712 parameters with the top (224x224x3, 1000 classes).
 *
 * @example
 * const backbone = resnet50({ includeTop: false, inputShape: [96, 96, 3], pooling: "avg" }); // [null, 2048]
 */
export function resnet50(args: WithWeights<ApplicationArgs>): Promise<Model>;
export function resnet50(args?: ApplicationArgs & { weights?: null }): Model;
export function resnet50(args: ApplicationArgs = {}): Model | Promise<Model> {
  return resNetV1("resnet50", [3, 4, 6, 3], "resnet50", args);
}

/** ResNet101 as `keras.applications.ResNet101` (44,707,176 parameters with the top). */
export function resnet101(args: WithWeights<ApplicationArgs>): Promise<Model>;
export function resnet101(args?: ApplicationArgs & { weights?: null }): Model;
export function resnet101(args: ApplicationArgs = {}): Model | Promise<Model> {
  return resNetV1("resnet101", [3, 4, 23, 3], "resnet101", args);
}

/** ResNet152 as `keras.applications.ResNet152` (60,419,944 parameters with the top). */
export function resnet152(args: WithWeights<ApplicationArgs>): Promise<Model>;
export function resnet152(args?: ApplicationArgs & { weights?: null }): Model;
export function resnet152(args: ApplicationArgs = {}): Model | Promise<Model> {
  return resNetV1("resnet152", [3, 8, 36, 3], "resnet152", args);
}

/** `keras.applications.resnet50.preprocess_input`: RGB to BGR, then ImageNet mean subtraction ("caffe"). */
export function preprocessInput(x: Tensor, opts: Omit<PreprocessOptions, "mode"> = {}): Tensor {
  return preprocessImagenet(x, { ...opts, mode: "caffe" });
}

/** `keras.applications.resnet50.decode_predictions`: the top ImageNet classes of each row. */
export function decodePredictions(preds: Tensor, top = 5): DecodedPrediction[][] {
  return decodeImagenet(preds, top);
}
