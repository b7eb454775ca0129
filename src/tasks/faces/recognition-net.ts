// face-api's FaceRecognitionNet (dlib's ResNet-34-like face descriptor: 150x150 RGB in, 128-D out),
// rebuilt with deepts ops from the architecture in @vladmandic/face-api/src/faceRecognitionNet/.
import { add } from "../../ops/arithmetic.js";
import { relu } from "../../ops/activations.js";
import { matmul } from "../../ops/matmul.js";
import { pad } from "../../ops/movement.js";
import { avgPool2d, maxPool2d } from "../../ops/pool.js";
import { mean } from "../../ops/reduce.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type Pad, WeightMap, convBias, foldScale, normalizeRgb } from "./blocks.js";

/** Input side of the descriptor network. */
export const RECOGNITION_INPUT_SIZE = 150;
const MEAN_RGB: [number, number, number] = [122.782, 117.001, 104.298];

/** The 29 conv layers' prefixes, in order: [name, isDownsampling]. */
const RESIDUAL_BLOCKS: readonly [string, boolean][] = [
  ["conv32_1", false], ["conv32_2", false], ["conv32_3", false],
  ["conv64_down", true], ["conv64_1", false], ["conv64_2", false], ["conv64_3", false],
  ["conv128_down", true], ["conv128_1", false], ["conv128_2", false],
  ["conv256_down", true], ["conv256_1", false], ["conv256_2", false], ["conv256_down_out", true],
];

/**
 * The 128-D face descriptor network (dlib's metric-learning ResNet, 99.38% on LFW per dlib), running on
 * deepts' kernels with the weights that ship in @vladmandic/face-api.
 */
export class FaceRecognitionNet {
  readonly weights: WeightMap;
  private readonly folded = new Map<string, { filters: Tensor; bias: Tensor }>();

  constructor(tensors: ReadonlyMap<string, Tensor>) {
    this.weights = new WeightMap("FaceRecognitionNet", tensors);
    // Fail at load time, not at the first call, when a weight is missing or misshapen.
    this.prepare("conv32_down", [7, 7, 3, 32]);
    for (const [name] of RESIDUAL_BLOCKS) {
      const c = Number(/conv(\d+)/.exec(name)![1]);
      this.prepare(`${name}/conv1`, [3, 3, -1, c]);
      this.prepare(`${name}/conv2`, [3, 3, c, c]);
    }
    this.weights.get("fc", [256, 128]);
  }

  /**
   * Descriptors [n, 128] of face images [n, 150, 150, 3] with values 0..255 (see faceInputBatch for the
   * crop, square padding and resize that face-api applies before).
   */
  forward(x: Tensor): Tensor {
    const s = RECOGNITION_INPUT_SIZE;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3)
      throw new RangeError(`FaceRecognitionNet: expected input [batch, ${s}, ${s}, 3] (RGB 0..255), got ${fmtShape(x.shape)}`);
    let out = this.convLayer(normalizeRgb(x, MEAN_RGB), "conv32_down", 2, "valid", true);
    out = maxPool2d(out, { poolSize: 3, strides: 2, padding: "valid" });
    for (const [name, down] of RESIDUAL_BLOCKS) out = down ? this.residualDown(out, name) : this.residual(out, name);
    const pooled = mean(out, [1, 2]);
    return matmul(pooled, this.weights.get("fc"));
  }

  /** Checks a conv layer's weights and folds its scale layer (dlib's affine) into the filters and bias. */
  private prepare(prefix: string, filterShape: number[]): void {
    const filters = this.weights.get(`${prefix}/conv/filters`, filterShape);
    const c = filters.shape[3];
    const bias = this.weights.get(`${prefix}/conv/bias`, [c]);
    const scale = this.weights.get(`${prefix}/scale/weights`, [c]);
    const shift = this.weights.get(`${prefix}/scale/biases`, [c]);
    // (conv(x, w) + b) * s + t = conv(x, w * s) + (b * s + t): one pass over the activations instead of three.
    this.folded.set(prefix, foldScale(filters, bias, scale.values, shift.values));
  }

  /** conv + bias + scale layer (folded), then relu when asked. */
  private convLayer(x: Tensor, prefix: string, strides: number, padding: Pad, withRelu: boolean): Tensor {
    const f = this.folded.get(prefix)!;
    const out = convBias(x, f.filters, f.bias, strides, padding);
    return withRelu ? relu(out) : out;
  }

  private residual(x: Tensor, prefix: string): Tensor {
    const h = this.convLayer(x, `${prefix}/conv1`, 1, "same", true);
    const out = this.convLayer(h, `${prefix}/conv2`, 1, "same", false);
    return relu(add(out, x));
  }

  /** Residual block that halves the size: strided valid conv, and an average-pooled shortcut zero-padded in channels. */
  private residualDown(x: Tensor, prefix: string): Tensor {
    const h = this.convLayer(x, `${prefix}/conv1`, 2, "valid", true);
    let out = this.convLayer(h, `${prefix}/conv2`, 1, "same", false);
    let pooled = avgPool2d(x, { poolSize: 2, strides: 2, padding: "valid" });
    // face-api appends one zero row and column when the pooled shortcut is larger (sizes 8 -> 3 vs 4, 4 -> 1 vs 2).
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) out = pad(out, [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const extra = out.shape[3] - pooled.shape[3];
    if (extra > 0) pooled = pad(pooled, [[0, 0], [0, 0], [0, 0], [0, extra]]);
    return relu(add(pooled, out));
  }
}
