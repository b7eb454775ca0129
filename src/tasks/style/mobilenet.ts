// The default style backbone: the pretrained MobileNetV2 (Keras 2.2.4, alpha 1) that the npm package nsfwjs
// ships as a TF.js layers model wrapped in UMD JavaScript files. Its weights go into deepts' MobileNetV2
// (Keras' layer names), and the batch normalisations are then folded into the convolutions before them,
// since the network only runs in inference here: same activations, fewer ops per step.
import { mobileNetV2 } from "../../applications/mobilenet-v2.js";
import { NSFWJS_VERSION, readNsfwjsFiles } from "../../applications/pretrained-mobilenet.js";
import { decodeTfjsWeights } from "../../io/tfjs.js";
import { planNamedWeights } from "../../io/named-weights.js";
import { commit } from "../../io/weights-map.js";
import { Add } from "../../layers/add.js";
import { BatchNormalization } from "../../layers/batch-normalization.js";
import { Conv2D } from "../../layers/conv2d.js";
import { DepthwiseConv2D } from "../../layers/depthwise-conv2d.js";
import { Input } from "../../layers/input-layer.js";
import type { Layer } from "../../layers/layer.js";
import { ReLU } from "../../layers/relu.js";
import { ZeroPadding2D } from "../../layers/zero-padding2d.js";
import { Model } from "../../models/model.js";
import type { SymbolicTensor } from "../../models/symbolic.js";
import { add, div, mul, sub } from "../../ops/arithmetic.js";
import { sqrt } from "../../ops/math.js";
import { reshape } from "../../ops/reshape.js";
import type { Tensor } from "../../tensor/tensor.js";

export { NSFWJS_VERSION };

/**
 * The weights of nsfwjs' MobileNetV2 by TF.js name ("Conv1/kernel", ...), dequantized to float32. The files are
 * found (data/models/nsfwjs, node_modules/nsfwjs, $DEEPTS_NSFWJS_DIR or `dir`) and parsed as text, never run,
 * by src/applications/pretrained-mobilenet.ts.
 */
export function readNsfwjsMobileNetV2(dir?: string): Map<string, Tensor> {
  const files = readNsfwjsFiles(dir);
  return decodeTfjsWeights(files, files.source);
}

/**
 * deepts' MobileNetV2 (no top, alpha 1) at `inputShape` with nsfwjs' pretrained weights. Keras 2's
 * DepthwiseConv2D weight "depthwise_kernel" is Keras 3's "kernel"; the 5-class head's weights are left out.
 */
export function nsfwjsMobileNetV2(inputShape: readonly [number, number, 3], dir?: string): Model {
  const tensors = new Map<string, Tensor>();
  for (const [k, v] of readNsfwjsMobileNetV2(dir)) tensors.set(k.replace(/\/depthwise_kernel$/, "/kernel"), v);
  const model = mobileNetV2({ includeTop: false, inputShape: [...inputShape] });
  commit(planNamedWeights("nsfwjs MobileNetV2", model, tensors, { allowExtra: true }));
  return model;
}

/** [filters, stride, expansion] of MobileNetV2's blocks 0..16 (Keras' table). */
const BLOCKS: readonly (readonly [number, number, number])[] = [
  [16, 1, 1], [24, 2, 6], [24, 1, 6], [32, 2, 6], [32, 1, 6], [32, 1, 6], [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6], [160, 2, 6], [160, 1, 6], [160, 1, 6], [320, 1, 6],
];

/** A convolution's kernel and bias with the batch normalisation after it folded in. */
function fold(conv: Layer, bn: Layer, depthwise: boolean): [Tensor, Tensor] {
  if (!(bn instanceof BatchNormalization)) throw new Error(`foldMobileNetV2: ${bn.name} is not a BatchNormalization`);
  const [kernel] = conv.getWeights();
  const [gamma, beta, mean, variance] = bn.getWeights();
  const scale = div(gamma, sqrt(add(variance, bn.epsilon)));
  // Conv2D kernels are [kh, kw, in, out]; depthwise ones [kh, kw, in, 1] with one output per input channel.
  const k = depthwise ? mul(kernel, reshape(scale, [scale.shape[0], 1])) : mul(kernel, scale);
  return [k, sub(beta, mul(mean, scale))];
}

/**
 * MobileNetV2's features with every BatchNormalization folded into the convolution before it; the ReLU and
 * Add layers keep their names (Conv1_relu, block_3_expand_relu, block_5_add, out_relu, ...), so the
 * activations of `base` (a no-top, alpha-1 mobileNetV2) are reproduced layer for layer.
 */
export function foldMobileNetV2(base: Model): Model {
  const get = (n: string): Layer => base.getLayer(n);
  const shape = (base.input as SymbolicTensor).shape.slice(1);
  const input = Input({ shape });
  const conv = (x: SymbolicTensor, convName: string, bnName: string, o: { filters: number; kernelSize: number; strides?: number; padding?: "same" | "valid" }): SymbolicTensor => {
    const layer = new Conv2D({ ...o, useBias: true, name: convName });
    const y = layer.apply(x) as SymbolicTensor;
    layer.setWeights(fold(get(convName), get(bnName), false));
    return y;
  };
  const relu6 = (x: SymbolicTensor, name: string): SymbolicTensor => new ReLU({ maxValue: 6, name }).apply(x) as SymbolicTensor;
  let x = relu6(conv(input, "Conv1", "bn_Conv1", { filters: 32, kernelSize: 3, strides: 2, padding: "same" }), "Conv1_relu");
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    const prefix = id === 0 ? "expanded_conv_" : `block_${id}_`;
    const inputs = x;
    const inChannels = x.shape[3]!;
    if (id > 0) x = relu6(conv(x, `${prefix}expand`, `${prefix}expand_BN`, { filters: expansion * inChannels, kernelSize: 1, padding: "same" }), `${prefix}expand_relu`);
    if (stride === 2) {
      const pad = get(`${prefix}pad`) as ZeroPadding2D;
      x = new ZeroPadding2D({ padding: pad.padding, name: `${prefix}pad` }).apply(x) as SymbolicTensor;
    }
    const dw = new DepthwiseConv2D({ kernelSize: 3, strides: stride, useBias: true, padding: stride === 1 ? "same" : "valid", name: `${prefix}depthwise` });
    x = dw.apply(x) as SymbolicTensor;
    dw.setWeights(fold(get(`${prefix}depthwise`), get(`${prefix}depthwise_BN`), true));
    x = relu6(x, `${prefix}depthwise_relu`);
    x = conv(x, `${prefix}project`, `${prefix}project_BN`, { filters, kernelSize: 1, padding: "same" });
    if (inChannels === filters && stride === 1) x = new Add({ name: `${prefix}add` }).apply([inputs, x]) as SymbolicTensor;
  });
  x = relu6(conv(x, "Conv_1", "Conv_1_bn", { filters: 1280, kernelSize: 1 }), "out_relu");
  return new Model({ inputs: input, outputs: x, name: `${base.name}_folded` });
}
