// face-api's SSD MobileNetV1 face detector (its default detector: 5.4 MB of weights, 512x512 input,
// 5118 anchor boxes over six feature maps), rebuilt with deepts ops.
import { relu6 } from "../../ops/activations.js";
import { add, div, sub } from "../../ops/arithmetic.js";
import { conv2d, depthwiseConv2d } from "../../ops/conv.js";
import { concat } from "../../ops/movement.js";
import { reshape } from "../../ops/reshape.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { WeightMap, foldScale } from "./blocks.js";
import type { FaceBox } from "./tiny-face-detector.js";

/** Input side of the SSD detector. */
export const SSD_INPUT_SIZE = 512;
const EPSILON = 0.0010000000474974513;
const STRIDE2 = new Set([2, 4, 6, 12]);

export interface SsdMobilenetv1Options {
  /** Keep boxes scoring above this (default 0.5). */
  minConfidence?: number;
  /** At most this many faces (default 100). */
  maxResults?: number;
}

/** The SSD MobileNetV1 face detector with the weights that ship in @vladmandic/face-api. */
export class SsdMobilenetv1 {
  readonly weights: WeightMap;
  private readonly foldedBn: { filters: Tensor; bias: Tensor }[] = [];

  constructor(tensors: ReadonlyMap<string, Tensor>) {
    this.weights = new WeightMap("SsdMobilenetv1", tensors);
    this.weights.get("MobilenetV1/Conv2d_0_pointwise/weights", [3, 3, 3, 32]);
    for (let i = 1; i <= 13; i++) this.foldedBn.push(this.foldBatchNorm(i));
    for (let i = 0; i < 6; i++) this.weights.get(`Prediction/BoxPredictor_${i}/BoxEncodingPredictor/weights`, [1, 1, -1, i === 0 ? 12 : 24]);
    this.weights.get("Output/extra_dim", [1, 5118, 4]);
  }

  /**
   * The batch norm after depthwise conv i folded into its filters and bias, once: gamma / sqrt(var + eps) scales
   * the filters, beta - mean * that is the bias (one pass over the activations instead of two).
   */
  private foldBatchNorm(i: number): { filters: Tensor; bias: Tensor } {
    const pre = `MobilenetV1/Conv2d_${i}_depthwise`;
    const w = this.weights.get(`${pre}/depthwise_weights`, [3, 3, -1, 1]);
    const c = w.shape[2];
    const [gamma, beta, mean, variance] = ["gamma", "beta", "moving_mean", "moving_variance"].map((n) => this.weights.get(`${pre}/BatchNorm/${n}`, [c]).values);
    const g = Array.from(gamma, (v, j) => v / Math.sqrt(variance[j] + EPSILON));
    return foldScale(w, null, g, Array.from(beta, (b, j) => b - mean[j] * g[j]));
  }

  /** Raw outputs for inputs [n, 512, 512, 3] (0..255): box encodings [n, 5118, 4] and class logits [n, 5118, 3]. */
  forward(x: Tensor): { boxes: Tensor; classes: Tensor } {
    const s = SSD_INPUT_SIZE;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3)
      throw new RangeError(`SsdMobilenetv1: expected input [batch, ${s}, ${s}, 3] (RGB 0..255), got ${fmtShape(x.shape)}`);
    let out = this.pointwise(sub(div(x, 127.5), 1), "MobilenetV1", 0, 2);
    let conv11: Tensor | null = null;
    for (let i = 1; i <= 13; i++) {
      out = this.depthwise(out, i, STRIDE2.has(i) ? 2 : 1);
      out = this.pointwise(out, "MobilenetV1", i, 1);
      if (i === 11) conv11 = out;
    }
    const features = [conv11!, out];
    let p = out;
    for (let i = 0; i < 8; i++) {
      p = this.pointwise(p, "Prediction", i, i % 2 === 1 ? 2 : 1);
      if (i % 2 === 1) features.push(p);
    }
    const n = x.shape[0];
    const boxes: Tensor[] = [];
    const classes: Tensor[] = [];
    features.forEach((f, i) => {
      const pre = `Prediction/BoxPredictor_${i}`;
      boxes.push(reshape(this.conv(f, `${pre}/BoxEncodingPredictor`), [n, -1, 4]));
      classes.push(reshape(this.conv(f, `${pre}/ClassPredictor`), [n, -1, 3]));
    });
    return { boxes: concat(boxes, 1), classes: concat(classes, 1) };
  }

  private conv(x: Tensor, prefix: string): Tensor {
    return add(conv2d(x, this.weights.get(`${prefix}/weights`), { padding: "same" }), this.weights.get(`${prefix}/biases`));
  }

  /** Conv (the first is 3x3 despite the name) with folded batch norm, then relu6. */
  private pointwise(x: Tensor, scope: string, i: number, strides: number): Tensor {
    const pre = `${scope}/Conv2d_${i}_pointwise`;
    const y = conv2d(x, this.weights.get(`${pre}/weights`), { strides, padding: "same" });
    return relu6(add(y, this.weights.get(`${pre}/convolution_bn_offset`)));
  }

  private depthwise(x: Tensor, i: number, strides: number): Tensor {
    const f = this.foldedBn[i - 1];
    return relu6(add(depthwiseConv2d(x, f.filters, { strides, padding: "same" }), f.bias));
  }

  /** The anchors [5118, 4] the box encodings are relative to. */
  get anchors(): Tensor {
    return this.weights.get("Output/extra_dim");
  }
}

const f32 = Math.fround;

/**
 * Faces in image pixels from one image's raw SSD outputs (box encodings [5118, 4] and class logits [5118, 3]),
 * for an image of width x height padded at the bottom/right to a square (outputLayer + nonMaxSuppression +
 * locateFaces of face-api, in float32 where face-api uses tensors).
 */
export function decodeSsd(
  encodings: Float32Array, logits: Float32Array, anchors: Float32Array, width: number, height: number,
  minConfidence: number, maxResults: number,
): FaceBox[] {
  const count = anchors.length / 4;
  const boxes = new Float32Array(count * 4);
  const scores: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const [a0, a1, a2, a3] = anchors.subarray(4 * i, 4 * i + 4);
    const s0 = f32(a2 - a0);
    const s1 = f32(a3 - a1);
    const c0 = f32(a0 + f32(s0 / 2));
    const c1 = f32(a1 + f32(s1 / 2));
    const [v0, v1, v2, v3] = encodings.subarray(4 * i, 4 * i + 4);
    const h0 = f32(f32(f32(Math.exp(f32(v2 / 5))) * s0) / 2);
    const m0 = f32(f32(f32(v0 / 10) * s0) + c0);
    const h1 = f32(f32(f32(Math.exp(f32(v3 / 5))) * s1) / 2);
    const m1 = f32(f32(f32(v1 / 10) * s1) + c1);
    boxes.set([f32(m0 - h0), f32(m1 - h1), f32(m0 + h0), f32(m1 + h1)], 4 * i);
    scores[i] = f32(1 / (1 + Math.exp(-logits[3 * i + 1])));
  }
  const keep = ssdNms(boxes, scores, maxResults, 0.5, minConfidence);
  const scale = SSD_INPUT_SIZE / Math.max(width, height);
  const padX = SSD_INPUT_SIZE / Math.round(width * scale);
  const padY = SSD_INPUT_SIZE / Math.round(height * scale);
  return keep.map((i) => {
    const top = Math.max(0, boxes[4 * i]) * padY;
    const bottom = Math.min(1, boxes[4 * i + 2]) * padY;
    const left = Math.max(0, boxes[4 * i + 1]) * padX;
    const right = Math.min(1, boxes[4 * i + 3]) * padX;
    return { x: left * width, y: top * height, width: (right - left) * width, height: (bottom - top) * height, score: scores[i] };
  });
}

/** face-api's SSD suppression (TF's hard NMS on [ymin, xmin, ymax, xmax] boxes): best first, up to maxOutput. */
function ssdNms(boxes: Float32Array, scores: number[], maxOutput: number, iouThreshold: number, scoreThreshold: number): number[] {
  const cand = scores.map((s, i) => ({ s, i })).filter((c) => c.s > scoreThreshold).sort((a, b) => b.s - a.s);
  const selected: number[] = [];
  for (const c of cand) {
    if (selected.length >= Math.min(maxOutput, scores.length)) break;
    let suppressed = false;
    for (let j = selected.length - 1; j >= 0; j--) {
      const v = boxIou(boxes, c.i, selected[j]);
      if (v !== 0 && v > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) selected.push(c.i);
  }
  return selected;
}

function boxIou(b: Float32Array, i: number, j: number): number {
  const yi0 = Math.min(b[4 * i], b[4 * i + 2]);
  const xi0 = Math.min(b[4 * i + 1], b[4 * i + 3]);
  const yi1 = Math.max(b[4 * i], b[4 * i + 2]);
  const xi1 = Math.max(b[4 * i + 1], b[4 * i + 3]);
  const yj0 = Math.min(b[4 * j], b[4 * j + 2]);
  const xj0 = Math.min(b[4 * j + 1], b[4 * j + 3]);
  const yj1 = Math.max(b[4 * j], b[4 * j + 2]);
  const xj1 = Math.max(b[4 * j + 1], b[4 * j + 3]);
  const ai = (yi1 - yi0) * (xi1 - xi0);
  const aj = (yj1 - yj0) * (xj1 - xj0);
  if (ai <= 0 || aj <= 0) return 0;
  const inter = Math.max(Math.min(yi1, yj1) - Math.max(yi0, yj0), 0) * Math.max(Math.min(xi1, xj1) - Math.max(xi0, xj0), 0);
  return inter / (ai + aj - inter);
}
