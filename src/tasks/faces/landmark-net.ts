// face-api's FaceLandmark68Net: four densely connected blocks of separable convolutions over a 112x112
// face crop, then a dense layer to 68 (x, y) points; rebuilt with deepts ops.
import { add } from "../../ops/arithmetic.js";
import { relu } from "../../ops/activations.js";
import { matmul } from "../../ops/matmul.js";
import { avgPool2d } from "../../ops/pool.js";
import { reshape } from "../../ops/reshape.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { WeightMap, convBias, normalizeRgb, separableConvBias } from "./blocks.js";
import type { Point } from "./geometry.js";

/** Input side of the landmark network. */
export const LANDMARK_INPUT_SIZE = 112;
const MEAN_RGB: [number, number, number] = [122.782, 117.001, 104.298];
const CHANNELS = [32, 64, 128, 256];

/** The 68-point face landmark network with the weights that ship in @vladmandic/face-api. */
export class FaceLandmark68Net {
  readonly weights: WeightMap;

  constructor(tensors: ReadonlyMap<string, Tensor>) {
    this.weights = new WeightMap("FaceLandmark68Net", tensors);
    CHANNELS.forEach((c, b) => {
      const cin = b === 0 ? 3 : CHANNELS[b - 1];
      if (b === 0) this.weights.get("dense0/conv0/filters", [3, 3, 3, c]);
      else this.checkSeparable(`dense${b}/conv0`, cin, c);
      this.weights.get(`dense${b}/conv0/bias`, [c]);
      for (let k = 1; k < 4; k++) this.checkSeparable(`dense${b}/conv${k}`, c, c), this.weights.get(`dense${b}/conv${k}/bias`, [c]);
    });
    this.weights.get("fc/weights", [256, 136]);
    this.weights.get("fc/bias", [136]);
  }

  private checkSeparable(prefix: string, cin: number, cout: number): void {
    this.weights.get(`${prefix}/depthwise_filter`, [3, 3, cin, 1]);
    this.weights.get(`${prefix}/pointwise_filter`, [1, 1, cin, cout]);
  }

  /** Raw outputs [n, 136]: (x, y) pairs relative to the 112x112 input, for inputs [n, 112, 112, 3] (0..255). */
  forward(x: Tensor): Tensor {
    const s = LANDMARK_INPUT_SIZE;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3)
      throw new RangeError(`FaceLandmark68Net: expected input [batch, ${s}, ${s}, 3] (RGB 0..255), got ${fmtShape(x.shape)}`);
    let out = normalizeRgb(x, MEAN_RGB);
    for (let b = 0; b < 4; b++) out = this.denseBlock(out, `dense${b}`, b === 0);
    out = avgPool2d(out, { poolSize: 7, strides: 2, padding: "valid" });
    const flat = reshape(out, [out.shape[0], -1]);
    return add(matmul(flat, this.weights.get("fc/weights")), this.weights.get("fc/bias"));
  }

  private sep(x: Tensor, prefix: string, strides: number): Tensor {
    const w = this.weights;
    return separableConvBias(x, w.get(`${prefix}/depthwise_filter`), w.get(`${prefix}/pointwise_filter`), w.get(`${prefix}/bias`), strides, "same");
  }

  /** face-api's denseBlock4: each conv sees the sum of all earlier outputs of the block (summed in its order). */
  private denseBlock(x: Tensor, prefix: string, first: boolean): Tensor {
    const w = this.weights;
    const out1 = relu(first ? convBias(x, w.get(`${prefix}/conv0/filters`), w.get(`${prefix}/conv0/bias`), 2, "same") : this.sep(x, `${prefix}/conv0`, 2));
    const out2 = this.sep(out1, `${prefix}/conv1`, 1);
    const in3 = relu(add(out1, out2));
    const out3 = this.sep(in3, `${prefix}/conv2`, 1);
    const in4 = relu(add(out1, add(out2, out3)));
    const out4 = this.sep(in4, `${prefix}/conv3`, 1);
    return relu(add(out1, add(out2, add(out3, out4))));
  }
}

/**
 * Landmarks in the crop's own pixels from one row of raw outputs, undoing the centred square padding of a
 * crop of size width x height (FaceLandmark68NetBase.postProcess).
 */
export function landmarksFromOutput(row: ArrayLike<number>, width: number, height: number): Point[] {
  const s = LANDMARK_INPUT_SIZE;
  const scale = s / Math.max(width, height);
  const w = width * scale;
  const h = height * scale;
  const padX = w < h ? Math.abs(w - h) / 2 : 0;
  const padY = h < w ? Math.abs(w - h) / 2 : 0;
  const f32 = Math.fround;
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) {
    // face-api computes (out * 112 - pad) / size in float32 tensors, then scales by the crop size in doubles.
    const rx = f32(f32(f32(f32(row[2 * i]) * s) - f32(padX)) / f32(w));
    const ry = f32(f32(f32(f32(row[2 * i + 1]) * s) - f32(padY)) / f32(h));
    pts.push({ x: rx * width, y: ry * height });
  }
  return pts;
}
