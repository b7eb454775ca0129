// A trainable FaceRecognitionNet: the same network as ./recognition-net.ts, its scale layers folded into the
// convolutions the same way, with the weights as Variables so that a GradientTape can fine-tune the last
// residual blocks and the final projection while the earlier blocks stay frozen.
import { Variable } from "../../autograd/variable.js";
import { noGrad } from "../../autograd/tape.js";
import { add } from "../../ops/arithmetic.js";
import { relu } from "../../ops/activations.js";
import { matmul } from "../../ops/matmul.js";
import { concat, pad, slice } from "../../ops/movement.js";
import { avgPool2d, maxPool2d } from "../../ops/pool.js";
import { mean } from "../../ops/reduce.js";
import { toTensor } from "../../tensor/create.js";
import { fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { type Pad, convBias, foldScale, normalizeRgb } from "./blocks.js";
import { RECOGNITION_INPUT_SIZE, type FaceRecognitionNet } from "./recognition-net.js";

const MEAN_RGB: [number, number, number] = [122.782, 117.001, 104.298];

/**
 * face-api's residual blocks in order, [name, halves the size]: the same list as recognition-net.ts keeps
 * privately (the test that this net equals FaceRecognitionNet catches any drift).
 */
export const FACE_RESIDUAL_BLOCKS: readonly (readonly [string, boolean])[] = [
  ["conv32_1", false], ["conv32_2", false], ["conv32_3", false],
  ["conv64_down", true], ["conv64_1", false], ["conv64_2", false], ["conv64_3", false],
  ["conv128_down", true], ["conv128_1", false], ["conv128_2", false],
  ["conv256_down", true], ["conv256_1", false], ["conv256_2", false], ["conv256_down_out", true],
];

export interface TrainableFaceNetOptions {
  /**
   * How many of the 14 residual blocks, counted from the end, are trained (default 3: conv256_1, conv256_2
   * and conv256_down_out, about 3.5 M of the 5.6 M parameters); the final 256 -> 128 projection is always
   * trained. 0 trains the projection only.
   */
  trainableBlocks?: number;
}

/** One conv layer with its scale layer folded in: filters HWIO and bias. */
interface ConvVars {
  filters: Variable;
  bias: Variable;
}

/**
 * FaceRecognitionNet with Variables for weights. `forward` equals the inference net's; `features` runs the
 * frozen part once (no gradient), and `head` the trainable rest, so a fine-tuning loop can compute the
 * frozen features of its images once and train on them.
 *
 * @example
 * const net = new TrainableFaceRecognitionNet(loadFaceNet("faceRecognitionNet"), { trainableBlocks: 3 });
 * const f = net.features(batch);                 // [n, 3, 3, 256], computed once
 * const tape = new GradientTape();
 * const loss = tape.run(() => tripletSemiHardLoss(labels, net.head(f), { margin: 0.2 }));
 * opt.applyGradients(zip(tape.gradient(loss, net.trainableVariables), net.trainableVariables));
 */
export class TrainableFaceRecognitionNet {
  /** Index into FACE_RESIDUAL_BLOCKS of the first trained block (14 when only the projection is trained). */
  readonly firstTrainable: number;
  private readonly convs = new Map<string, ConvVars>();
  readonly fc: Variable;

  constructor(net: FaceRecognitionNet, opts: TrainableFaceNetOptions = {}) {
    const k = opts.trainableBlocks ?? 3;
    const total = FACE_RESIDUAL_BLOCKS.length;
    if (!Number.isInteger(k) || k < 0 || k > total)
      throw new RangeError(`TrainableFaceRecognitionNet: trainableBlocks must be an integer from 0 to ${total}, got ${k}`);
    this.firstTrainable = total - k;
    const w = net.weights;
    const make = (prefix: string, trainable: boolean): void => {
      const filters = w.get(`${prefix}/conv/filters`);
      const c = filters.shape[3];
      const folded = foldScale(filters, w.get(`${prefix}/conv/bias`, [c]), w.get(`${prefix}/scale/weights`, [c]).values, w.get(`${prefix}/scale/biases`, [c]).values);
      this.convs.set(prefix, {
        filters: new Variable(folded.filters, { name: `${prefix}/filters`, trainable }),
        bias: new Variable(folded.bias, { name: `${prefix}/bias`, trainable }),
      });
    };
    make("conv32_down", false);
    FACE_RESIDUAL_BLOCKS.forEach(([name], i) => {
      make(`${name}/conv1`, i >= this.firstTrainable);
      make(`${name}/conv2`, i >= this.firstTrainable);
    });
    this.fc = new Variable(w.get("fc", [256, 128]), { name: "fc", trainable: true });
  }

  /** The trained Variables: the last blocks' filters and biases, then the projection. */
  get trainableVariables(): Variable[] {
    return [...this.convs.values()].flatMap((c) => [c.filters, c.bias]).filter((v) => v.trainable).concat(this.fc);
  }

  /** Every Variable, frozen ones included. */
  get variables(): Variable[] {
    return [...this.convs.values()].flatMap((c) => [c.filters, c.bias]).concat(this.fc);
  }

  /** Number of trained scalars. */
  get trainableParameterCount(): number {
    return this.trainableVariables.reduce((n, v) => n + v.value.size, 0);
  }

  /** Descriptors [n, 128] of face images [n, 150, 150, 3] (0..255), as FaceRecognitionNet.forward. */
  forward(x: Tensor): Tensor {
    return this.head(this.frozenPart(x));
  }

  /** The frozen part's output for face images [n, 150, 150, 3], without recording gradients. */
  features(x: Tensor, batchSize = 16): Tensor {
    this.checkInput(x);
    const n = x.shape[0];
    return noGrad(() => {
      if (n <= batchSize) return this.frozenPart(x);
      const parts: Tensor[] = [];
      for (let i = 0; i < n; i += batchSize) parts.push(this.frozenPart(sliceRows(x, i, Math.min(n, i + batchSize))));
      return concat(parts, 0);
    });
  }

  /** The trainable part: frozen features (from `features`) -> descriptors [n, 128]. */
  head(features: Tensor): Tensor {
    let out = features;
    for (let i = this.firstTrainable; i < FACE_RESIDUAL_BLOCKS.length; i++) out = this.block(out, i);
    return matmul(mean(out, [1, 2]), this.fc);
  }

  /**
   * The weights in face-api's layout (`<layer>/conv/filters`, `/conv/bias`, `/scale/weights`, `/scale/biases`,
   * `fc`): folded convolutions with an identity scale layer, so that face-api (or loadFaceNet) loading them
   * gets this network exactly.
   */
  faceApiWeights(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [prefix, c] of this.convs) {
      const ch = c.bias.shape[0];
      out.set(`${prefix}/conv/filters`, c.filters.value);
      out.set(`${prefix}/conv/bias`, c.bias.value);
      out.set(`${prefix}/scale/weights`, onesF32(ch));
      out.set(`${prefix}/scale/biases`, zerosF32(ch));
    }
    out.set("fc", this.fc.value);
    return out;
  }

  private checkInput(x: Tensor): void {
    const s = RECOGNITION_INPUT_SIZE;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3)
      throw new RangeError(`TrainableFaceRecognitionNet: expected input [batch, ${s}, ${s}, 3] (RGB 0..255), got ${fmtShape(x.shape)}`);
  }

  private frozenPart(x: Tensor): Tensor {
    this.checkInput(x);
    let out = this.conv(normalizeRgb(x, MEAN_RGB), "conv32_down", 2, "valid", true);
    out = maxPool2d(out, { poolSize: 3, strides: 2, padding: "valid" });
    for (let i = 0; i < this.firstTrainable; i++) out = this.block(out, i);
    return out;
  }

  private conv(x: Tensor, prefix: string, strides: number, padding: Pad, withRelu: boolean): Tensor {
    const c = this.convs.get(prefix)!;
    // Read through toTensor, so that a GradientTape sees the Variables read and watches the trainable ones.
    const out = convBias(x, toTensor(c.filters), toTensor(c.bias), strides, padding);
    return withRelu ? relu(out) : out;
  }

  private block(x: Tensor, i: number): Tensor {
    const [name, down] = FACE_RESIDUAL_BLOCKS[i];
    if (!down) {
      const h = this.conv(x, `${name}/conv1`, 1, "same", true);
      return relu(add(this.conv(h, `${name}/conv2`, 1, "same", false), x));
    }
    const h = this.conv(x, `${name}/conv1`, 2, "valid", true);
    let out = this.conv(h, `${name}/conv2`, 1, "same", false);
    let pooled = avgPool2d(x, { poolSize: 2, strides: 2, padding: "valid" });
    // As face-api: one zero row and column on the block output when the pooled shortcut is larger, and
    // zero channels on the shortcut.
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) out = pad(out, [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const extra = out.shape[3] - pooled.shape[3];
    if (extra > 0) pooled = pad(pooled, [[0, 0], [0, 0], [0, 0], [0, extra]]);
    return relu(add(pooled, out));
  }
}

function sliceRows(x: Tensor, from: number, to: number): Tensor {
  return slice(x, [from, 0, 0, 0], [to - from, x.shape[1], x.shape[2], x.shape[3]]);
}

function onesF32(n: number): Tensor {
  return new Tensor(new Float32Array(n).fill(1), [n], "float32");
}

function zerosF32(n: number): Tensor {
  return new Tensor(new Float32Array(n), [n], "float32");
}
