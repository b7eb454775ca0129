// A pretrained, offline style-transfer backbone for the demo while the library's default (the MobileNetV2 of
// nsfwjs) is not available: the MobileNetV1 feature extractor of face-api's SSD face detector (ImageNet-style
// depthwise-separable stack, trained for face detection), rebuilt as a functional deepts Model with Keras'
// MobileNet layer names (conv1, conv_dw_1, conv_pw_1, ..., each followed by a ReLU6 named NAME_relu).
import {
  Conv2D, DepthwiseConv2D, Input, Model, ReLU, type StyleBackbone, type SymbolicTensor, Tensor, loadFaceNet, styleBackbone, sub, mul,
} from "../../src/index.js";

const EPSILON = 0.0010000000474974513; // the detector's batch-norm epsilon
const STRIDE2 = new Set([2, 4, 6, 12]);

/** The folded weights of depthwise conv i: filters times gamma / sqrt(var + eps), bias beta - mean * that. */
function foldedDepthwise(weights: ReadonlyMap<string, Tensor>, i: number): [Tensor, Tensor] {
  const pre = `MobilenetV1/Conv2d_${i}_depthwise`;
  const get = (n: string) => {
    const t = weights.get(`${pre}/${n}`);
    if (!t) throw new Error(`face MobileNet backbone: weight ${pre}/${n} is missing from face-api's SSD weights`);
    return t;
  };
  const w = get("depthwise_weights");
  const c = w.shape[2];
  const [gamma, beta, mean, variance] = ["gamma", "beta", "moving_mean", "moving_variance"].map((n) => get(`BatchNorm/${n}`).values);
  const g = Array.from(gamma, (v, j) => v / Math.sqrt(variance[j] + EPSILON));
  const fw = Float32Array.from(w.values as ArrayLike<number>, (v, k) => v * g[k % c]);
  const fb = Float32Array.from(beta, (b, j) => b - mean[j] * g[j]);
  return [new Tensor(fw, w.shape), new Tensor(fb, [c])];
}

/**
 * face-api's SSD MobileNetV1 up to its last pointwise conv (conv_pw_13_relu), pretrained, as a functional Model
 * for images [batch, h, w, 3] scaled to [-1, 1].
 */
export function faceMobileNetV1(): Model {
  const weights = loadFaceNet("ssdMobilenetv1").weights.tensors;
  const need = (n: string) => {
    const t = weights.get(n);
    if (!t) throw new Error(`face MobileNet backbone: weight ${n} is missing from face-api's SSD weights`);
    return t;
  };
  const input = Input({ shape: [null, null, 3], name: "input_image" });
  const assign: [Conv2D | DepthwiseConv2D, Tensor[]][] = [];
  const conv1 = new Conv2D({ filters: 32, kernelSize: 3, strides: 2, padding: "same", name: "conv1" });
  let x = new ReLU({ maxValue: 6, name: "conv1_relu" }).apply(conv1.apply(input)) as SymbolicTensor;
  assign.push([conv1, [need("MobilenetV1/Conv2d_0_pointwise/weights"), need("MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset")]]);
  for (let i = 1; i <= 13; i++) {
    const dw = new DepthwiseConv2D({ kernelSize: 3, strides: STRIDE2.has(i) ? 2 : 1, padding: "same", name: `conv_dw_${i}` });
    x = new ReLU({ maxValue: 6, name: `conv_dw_${i}_relu` }).apply(dw.apply(x)) as SymbolicTensor;
    assign.push([dw, foldedDepthwise(weights, i)]);
    const pwW = need(`MobilenetV1/Conv2d_${i}_pointwise/weights`);
    const pw = new Conv2D({ filters: pwW.shape[3], kernelSize: 1, name: `conv_pw_${i}` });
    x = new ReLU({ maxValue: 6, name: `conv_pw_${i}_relu` }).apply(pw.apply(x)) as SymbolicTensor;
    assign.push([pw, [pwW, need(`MobilenetV1/Conv2d_${i}_pointwise/convolution_bn_offset`)]]);
  }
  const model = new Model({ inputs: input, outputs: x, name: "face_mobilenet_v1" });
  for (const [layer, w] of assign) layer.setWeights(w);
  return model;
}

/**
 * The face MobileNetV1 as a style backbone: style from the first ReLU6 at each of the five resolutions
 * (as the course takes the first conv of each VGG block), content from conv_pw_7_relu (1/16 resolution).
 */
export function faceMobileNetBackbone(): StyleBackbone {
  return styleBackbone({
    model: faceMobileNetV1(),
    name: "MobileNetV1 of face-api's SSD face detector (pretrained, offline)",
    contentLayer: "conv_pw_7_relu",
    styleLayers: [["conv1_relu", 0.2], ["conv_pw_2_relu", 0.2], ["conv_pw_4_relu", 0.2], ["conv_pw_6_relu", 0.2], ["conv_pw_12_relu", 0.2]],
    // The detector's input is the 0..255 image / 127.5 - 1, i.e. 2 x - 1 for x in [0, 1].
    preprocess: (x) => sub(mul(x, 2), 1),
  });
}
