// face-api's TinyFaceDetector: a Tiny-YOLOv2-style network of separable convolutions (193 KB of weights)
// that predicts 5 anchor boxes per cell of a 13x13 grid (at input 416); rebuilt with deepts ops.
import { maximum, mul } from "../../ops/arithmetic.js";
import { pad } from "../../ops/movement.js";
import { maxPool2d } from "../../ops/pool.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { WeightMap, convBias, normalizeRgb, separableConvBias } from "./blocks.js";
import { type Rect, nonMaxSuppression } from "./geometry.js";

const MEAN_RGB: [number, number, number] = [117.001, 114.697, 97.404];
const ANCHORS: readonly [number, number][] = [
  [1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;
const CHANNELS = [16, 32, 64, 128, 256, 512];
const LEAK = 0.10000000149011612;

export interface TinyFaceDetectorOptions {
  /** Side of the square the image is resized to; a multiple of 32 (default 416; 512 or 608 find smaller faces). */
  inputSize?: number;
  /** Keep boxes scoring above this (default 0.5). */
  scoreThreshold?: number;
}

/** A detected face: its box in image pixels and its score. */
export interface FaceBox extends Rect {
  score: number;
}

/** The Tiny Face Detector with the weights that ship in @vladmandic/face-api. */
export class TinyFaceDetector {
  readonly weights: WeightMap;

  constructor(tensors: ReadonlyMap<string, Tensor>) {
    this.weights = new WeightMap("TinyFaceDetector", tensors);
    this.weights.get("conv0/filters", [3, 3, 3, 16]);
    this.weights.get("conv0/bias", [16]);
    for (let i = 1; i < 6; i++) {
      this.weights.get(`conv${i}/depthwise_filter`, [3, 3, CHANNELS[i - 1], 1]);
      this.weights.get(`conv${i}/pointwise_filter`, [1, 1, CHANNELS[i - 1], CHANNELS[i]]);
      this.weights.get(`conv${i}/bias`, [CHANNELS[i]]);
    }
    this.weights.get("conv8/filters", [1, 1, 512, 25]);
    this.weights.get("conv8/bias", [25]);
  }

  /** Raw grid outputs [n, cells, cells, 25] for inputs [n, size, size, 3] (values 0..255, size a multiple of 32). */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== 3 || x.shape[1] !== x.shape[2] || x.shape[1] % 32 !== 0)
      throw new RangeError(`TinyFaceDetector: expected square inputs [batch, size, size, 3] with size a multiple of 32, got ${fmtShape(x.shape)}`);
    const w = this.weights;
    let out = leaky(convBias(normalizeRgb(x, MEAN_RGB), w.get("conv0/filters"), w.get("conv0/bias"), 1, "valid"));
    for (let i = 1; i < 6; i++) {
      out = maxPool2d(out, { poolSize: 2, strides: 2, padding: "same" });
      out = pad(out, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      out = separableConvBias(out, w.get(`conv${i}/depthwise_filter`), w.get(`conv${i}/pointwise_filter`), w.get(`conv${i}/bias`), 1, "valid");
      out = leaky(out);
    }
    out = maxPool2d(out, { poolSize: 2, strides: 1, padding: "same" });
    return convBias(out, w.get("conv8/filters"), w.get("conv8/bias"), 1, "valid");
  }
}

/** Leaky relu with slope 0.1 as max(x, 0.1 x): the same values as the select form, in two passes instead of three. */
const leaky = (x: Tensor): Tensor => maximum(x, mul(x, LEAK));

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Boxes in image pixels from one image's grid output [cells, cells, 25], for an image of width x height that
 * was padded at the bottom/right to a square and resized to inputSize (TinyYolov2Base.extractBoxes + NMS).
 */
export function decodeTinyYolo(grid: Tensor, width: number, height: number, inputSize: number, scoreThreshold: number): FaceBox[] {
  const cells = grid.shape[0];
  const g = grid.values;
  const scale = inputSize / Math.max(width, height);
  // face-api measures the unpadded part of the input in whole pixels.
  const fx = inputSize / Math.round(width * scale);
  const fy = inputSize / Math.round(height * scale);
  const boxes: Rect[] = [];
  const scores: number[] = [];
  for (let row = 0; row < cells; row++)
    for (let col = 0; col < cells; col++)
      for (let a = 0; a < ANCHORS.length; a++) {
        const o = ((row * cells + col) * ANCHORS.length + a) * 5;
        const score = sigmoid(g[o + 4]);
        if (scoreThreshold && !(score > scoreThreshold)) continue;
        const cx = ((col + sigmoid(g[o])) / cells) * fx;
        const cy = ((row + sigmoid(g[o + 1])) / cells) * fy;
        const bw = ((Math.exp(g[o + 2]) * ANCHORS[a][0]) / cells) * fx;
        const bh = ((Math.exp(g[o + 3]) * ANCHORS[a][1]) / cells) * fy;
        boxes.push({ x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh });
        scores.push(score);
      }
  // Relative boxes; face-api runs NMS on them scaled by inputSize, which leaves the IoU unchanged.
  const keep = nonMaxSuppression(boxes, scores, IOU_THRESHOLD);
  return keep.map((i) => {
    const b = boxes[i];
    return { x: b.x * width, y: b.y * height, width: b.width * width, height: b.height * height, score: scores[i] };
  });
}
