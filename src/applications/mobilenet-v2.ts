// MobileNetV2 as keras.applications.MobileNetV2 builds it: same layer names (Conv1, bn_Conv1,
// expanded_conv_depthwise, block_1_expand, ..., Conv_1, out_relu, predictions), shapes and parameter counts.
import type { Tensor } from "../tensor/tensor.js";
import { Add } from "../layers/add.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { DepthwiseConv2D } from "../layers/depthwise-conv2d.js";
import { GlobalAveragePooling2D } from "../layers/global-average-pooling2d.js";
import { Input } from "../layers/input-layer.js";
import { ReLU } from "../layers/relu.js";
import { ZeroPadding2D } from "../layers/zero-padding2d.js";
import { Model } from "../models/model.js";
import type { SymbolicTensor } from "../models/symbolic.js";
import {
  type ApplicationArgs, checkClasses, buildApplication, type WithWeights, obtainInputShape, poolFeatures, sym,
} from "./common.js";
import { type DecodedPrediction, decodePredictions as decodeImagenet, preprocessInput as preprocessImagenet, type PreprocessOptions } from "./imagenet.js";

export interface MobileNetV2Args extends ApplicationArgs {
  /** Width multiplier: channels of every layer scaled by alpha (Keras' pretrained ones: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4). Default 1. */
  alpha?: number;
}

/** Keras' _make_divisible: `v` rounded to a multiple of `divisor`, never below 90% of `v`. */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let n = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** Keras' imagenet_utils.correct_pad: the zero padding before a stride-2 "valid" convolution of `kernel`. */
export function correctPad(size: readonly [number | null, number | null], kernel: number): [[number, number], [number, number]] {
  const adjust = size[0] === null || size[1] === null ? [1, 1] : [1 - (size[0] % 2), 1 - (size[1] % 2)];
  const c = Math.floor(kernel / 2);
  return [[c - adjust[0], c], [c - adjust[1], c]];
}

const BN = { axis: -1, epsilon: 1e-3, momentum: 0.999 };

/** Keras' _inverted_res_block: 1x1 expansion (not in block 0), 3x3 depthwise, 1x1 linear projection, residual add. */
function invertedResBlock(inputs: SymbolicTensor, expansion: number, stride: number, alpha: number, filters: number, blockId: number): SymbolicTensor {
  const inChannels = inputs.shape[3]!;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = sym(new Conv2D({ filters: expansion * inChannels, kernelSize: 1, padding: "same", useBias: false, name: `${prefix}expand` }).apply(x));
    x = sym(new BatchNormalization({ ...BN, name: `${prefix}expand_BN` }).apply(x));
    x = sym(new ReLU({ maxValue: 6, name: `${prefix}expand_relu` }).apply(x));
  } else prefix = "expanded_conv_";
  if (stride === 2) x = sym(new ZeroPadding2D({ padding: correctPad([x.shape[1], x.shape[2]], 3), name: `${prefix}pad` }).apply(x));
  x = sym(
    new DepthwiseConv2D({ kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? "same" : "valid", name: `${prefix}depthwise` }).apply(x),
  );
  x = sym(new BatchNormalization({ ...BN, name: `${prefix}depthwise_BN` }).apply(x));
  x = sym(new ReLU({ maxValue: 6, name: `${prefix}depthwise_relu` }).apply(x));
  x = sym(new Conv2D({ filters: pointwiseFilters, kernelSize: 1, padding: "same", useBias: false, name: `${prefix}project` }).apply(x));
  x = sym(new BatchNormalization({ ...BN, name: `${prefix}project_BN` }).apply(x));
  if (inChannels === pointwiseFilters && stride === 1) return sym(new Add({ name: `${prefix}add` }).apply([inputs, x]));
  return x;
}

/** [filters, stride, expansion] of blocks 0..16. */
const BLOCKS: readonly (readonly [number, number, number])[] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/** Keras' default model name, f"mobilenetv2_{alpha:0.2f}_{rows}". */
function defaultName(alpha: number, rows: number | null): string {
  return `mobilenetv2_${alpha.toFixed(2)}_${rows ?? "None"}`;
}

/**
 * MobileNetV2 as `keras.applications.MobileNetV2`: 3,538,984 parameters at alpha 1 with the top.
 *
 * @example
 * const backbone = mobileNetV2({ alpha: 0.35, includeTop: false, inputShape: [96, 96, 3], pooling: "avg" }); // [null, 1280]
 */
export function mobileNetV2(args: WithWeights<MobileNetV2Args>): Promise<Model>;
export function mobileNetV2(args?: MobileNetV2Args & { weights?: null }): Model;
export function mobileNetV2(args: MobileNetV2Args = {}): Model | Promise<Model> {
  const label = "mobileNetV2";
  const { alpha = 1, includeTop = true, weights = null, pooling = null, classes = 1000, classifierActivation = "softmax" } = args;
  return buildApplication(label, weights, () => {
    checkClasses(label, classes);
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`${label}: alpha must be a positive number, got ${alpha}`);
    // Keras picks the default size from a square input of a pretrained size, else 224.
    const given = args.inputShape;
    const [r, c] = given ?? [null, null];
    const defaultSize = r !== null && r === c && [96, 128, 160, 192, 224].includes(r) ? r : 224;
    const shape = obtainInputShape(label, given, { defaultSize, minSize: 32, requireFlatten: includeTop });
    const input = Input({ shape });
    let x = sym(new Conv2D({ filters: makeDivisible(32 * alpha, 8), kernelSize: 3, strides: 2, padding: "same", useBias: false, name: "Conv1" }).apply(input));
    x = sym(new BatchNormalization({ ...BN, name: "bn_Conv1" }).apply(x));
    x = sym(new ReLU({ maxValue: 6, name: "Conv1_relu" }).apply(x));
    BLOCKS.forEach(([filters, stride, expansion], id) => {
      x = invertedResBlock(x, expansion, stride, alpha, filters, id);
    });
    const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
    x = sym(new Conv2D({ filters: lastFilters, kernelSize: 1, useBias: false, name: "Conv_1" }).apply(x));
    x = sym(new BatchNormalization({ ...BN, name: "Conv_1_bn" }).apply(x));
    x = sym(new ReLU({ maxValue: 6, name: "out_relu" }).apply(x));
    if (includeTop) {
      x = sym(new GlobalAveragePooling2D().apply(x));
      x = sym(new Dense({ units: classes, activation: classifierActivation, name: "predictions" }).apply(x));
    } else x = poolFeatures(label, x, pooling);
    return new Model({ inputs: input, outputs: x, name: args.name ?? defaultName(alpha, shape[0]) });
  });
}

/** `keras.applications.mobilenet_v2.preprocess_input`: pixels in [0, 255] scaled to [-1, 1] ("tf" mode). */
export function preprocessInput(x: Tensor, opts: Omit<PreprocessOptions, "mode"> = {}): Tensor {
  return preprocessImagenet(x, { ...opts, mode: "tf" });
}

/** `keras.applications.mobilenet_v2.decode_predictions`. */
export function decodePredictions(preds: Tensor, top = 5): DecodedPrediction[][] {
  return decodeImagenet(preds, top);
}
