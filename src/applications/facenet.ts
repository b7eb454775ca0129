// The course's FaceNet (Coursera "Convolutional Neural Networks", week 4, "Face Recognition"): the
// Inception network faceRecoModel of inception_blocks_v2.py / fr_utils.py over 96x96 channels-first RGB
// images, giving 128-D L2-normalised encodings. Layer names follow the course (conv1, bn1,
// inception_3a_3x3_conv1, ..., dense_layer); its unnamed layers get Keras' fresh-session names.
// The course's triplet loss is `tripletLoss` in src/losses.
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { div, maximum, mul } from "../ops/arithmetic.js";
import { rsqrt, square } from "../ops/math.js";
import { sum } from "../ops/reduce.js";
import { transpose } from "../ops/movement.js";
import { reshape } from "../ops/reshape.js";
import { cast } from "../ops/cast.js";
import { Activation } from "../layers/activation.js";
import { AveragePooling2D } from "../layers/average-pooling2d.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Concatenate } from "../layers/concatenate.js";
import { Conv2D } from "../layers/conv2d.js";
import { Dense } from "../layers/dense.js";
import { Flatten } from "../layers/flatten.js";
import { Input } from "../layers/input-layer.js";
import { Lambda } from "../layers/lambda.js";
import { MaxPooling2D } from "../layers/max-pooling2d.js";
import type { Padding2D } from "../layers/zero-padding2d.js";
import { ZeroPadding2D } from "../layers/zero-padding2d.js";
import { Model } from "../models/model.js";
import type { SymbolicTensor } from "../models/symbolic.js";
import { FreshNames, sym } from "./common.js";


/** x / sqrt(max(sum(x^2, axis), 1e-12)), as Keras' backend.l2_normalize (TensorFlow's tf.math.l2_normalize). */
export function l2Normalize(x: TensorLike, axis = -1): Tensor {
  const t = toTensor(x, "l2Normalize");
  return mul(t, rsqrt(maximum(sum(square(t), axis, { keepDims: true }), 1e-12)));
}

/** Builds the graph with the course's channels-first layers and Keras' automatic names for unnamed layers. */
class FaceNetBuilder {
  private readonly names = new FreshNames();
  private readonly axis: number;

  constructor(private readonly df: "channelsFirst" | "channelsLast" = "channelsFirst") {
    this.axis = df === "channelsFirst" ? 1 : 3;
  }

  pad(x: SymbolicTensor, padding: Padding2D): SymbolicTensor {
    return sym(new ZeroPadding2D({ padding, dataFormat: this.df, name: this.names.next("zero_padding2d") }).apply(x));
  }

  relu(x: SymbolicTensor): SymbolicTensor {
    return sym(new Activation({ activation: "relu", name: this.names.next("activation") }).apply(x));
  }

  maxPool(x: SymbolicTensor, size: number, stride: number): SymbolicTensor {
    return sym(new MaxPooling2D({ poolSize: size, strides: stride, dataFormat: this.df, name: this.names.next("max_pooling2d") }).apply(x));
  }

  avgPool(x: SymbolicTensor, size: number, stride: number): SymbolicTensor {
    return sym(new AveragePooling2D({ poolSize: size, strides: stride, dataFormat: this.df, name: this.names.next("average_pooling2d") }).apply(x));
  }

  conv(x: SymbolicTensor, filters: number, kernel: number, name: string, strides = 1): SymbolicTensor {
    return sym(new Conv2D({ filters, kernelSize: kernel, strides, dataFormat: this.df, name }).apply(x));
  }

  bn(x: SymbolicTensor, name: string, epsilon = 1e-5): SymbolicTensor {
    return sym(new BatchNormalization({ axis: this.axis, epsilon, name }).apply(x));
  }

  concat(xs: SymbolicTensor[]): SymbolicTensor {
    return sym(new Concatenate({ axis: this.axis, name: this.names.next("concatenate") }).apply(xs));
  }

  /** fr_utils.conv2d_bn: 1x1 conv, BN, ReLU, then (optionally) zero padding and a second conv, BN, ReLU. */
  convBn(
    x: SymbolicTensor, layer: string,
    o: { cv1Out: number; cv1Filter?: number; cv2Out?: number; cv2Filter?: number; cv2Strides?: number; padding?: Padding2D },
  ): SymbolicTensor {
    const num = o.cv2Out === undefined ? "" : "1";
    let t = this.conv(x, o.cv1Out, o.cv1Filter ?? 1, `${layer}_conv${num}`);
    t = this.relu(this.bn(t, `${layer}_bn${num}`));
    if (o.padding === undefined) return t;
    t = this.pad(t, o.padding);
    if (o.cv2Out === undefined) return t;
    t = this.conv(t, o.cv2Out, o.cv2Filter ?? 3, `${layer}_conv2`, o.cv2Strides ?? 1);
    return this.relu(this.bn(t, `${layer}_bn2`));
  }

  block1a(x: SymbolicTensor): SymbolicTensor {
    let a = this.relu(this.bn(this.conv(x, 96, 1, "inception_3a_3x3_conv1"), "inception_3a_3x3_bn1"));
    a = this.relu(this.bn(this.conv(this.pad(a, 1), 128, 3, "inception_3a_3x3_conv2"), "inception_3a_3x3_bn2"));
    let b = this.relu(this.bn(this.conv(x, 16, 1, "inception_3a_5x5_conv1"), "inception_3a_5x5_bn1"));
    b = this.relu(this.bn(this.conv(this.pad(b, 2), 32, 5, "inception_3a_5x5_conv2"), "inception_3a_5x5_bn2"));
    let c = this.maxPool(x, 3, 2);
    c = this.relu(this.bn(this.conv(c, 32, 1, "inception_3a_pool_conv"), "inception_3a_pool_bn"));
    c = this.pad(c, [[3, 4], [3, 4]]);
    const d = this.relu(this.bn(this.conv(x, 64, 1, "inception_3a_1x1_conv"), "inception_3a_1x1_bn"));
    return this.concat([a, b, c, d]);
  }

  block1b(x: SymbolicTensor): SymbolicTensor {
    let a = this.relu(this.bn(this.conv(x, 96, 1, "inception_3b_3x3_conv1"), "inception_3b_3x3_bn1"));
    a = this.relu(this.bn(this.conv(this.pad(a, 1), 128, 3, "inception_3b_3x3_conv2"), "inception_3b_3x3_bn2"));
    let b = this.relu(this.bn(this.conv(x, 32, 1, "inception_3b_5x5_conv1"), "inception_3b_5x5_bn1"));
    b = this.relu(this.bn(this.conv(this.pad(b, 2), 64, 5, "inception_3b_5x5_conv2"), "inception_3b_5x5_bn2"));
    let c = this.avgPool(x, 3, 3);
    c = this.relu(this.bn(this.conv(c, 64, 1, "inception_3b_pool_conv"), "inception_3b_pool_bn"));
    c = this.pad(c, 4);
    const d = this.relu(this.bn(this.conv(x, 64, 1, "inception_3b_1x1_conv"), "inception_3b_1x1_bn"));
    return this.concat([a, b, c, d]);
  }

  block1c(x: SymbolicTensor): SymbolicTensor {
    const a = this.convBn(x, "inception_3c_3x3", { cv1Out: 128, cv2Out: 256, cv2Filter: 3, cv2Strides: 2, padding: 1 });
    const b = this.convBn(x, "inception_3c_5x5", { cv1Out: 32, cv2Out: 64, cv2Filter: 5, cv2Strides: 2, padding: 2 });
    const c = this.pad(this.maxPool(x, 3, 2), [[0, 1], [0, 1]]);
    return this.concat([a, b, c]);
  }

  block2a(x: SymbolicTensor): SymbolicTensor {
    const a = this.convBn(x, "inception_4a_3x3", { cv1Out: 96, cv2Out: 192, cv2Filter: 3, cv2Strides: 1, padding: 1 });
    const b = this.convBn(x, "inception_4a_5x5", { cv1Out: 32, cv2Out: 64, cv2Filter: 5, cv2Strides: 1, padding: 2 });
    const c = this.convBn(this.avgPool(x, 3, 3), "inception_4a_pool", { cv1Out: 128, padding: 2 });
    const d = this.convBn(x, "inception_4a_1x1", { cv1Out: 256 });
    return this.concat([a, b, c, d]);
  }

  block2b(x: SymbolicTensor): SymbolicTensor {
    const a = this.convBn(x, "inception_4e_3x3", { cv1Out: 160, cv2Out: 256, cv2Filter: 3, cv2Strides: 2, padding: 1 });
    const b = this.convBn(x, "inception_4e_5x5", { cv1Out: 64, cv2Out: 128, cv2Filter: 5, cv2Strides: 2, padding: 2 });
    const c = this.pad(this.maxPool(x, 3, 2), [[0, 1], [0, 1]]);
    return this.concat([a, b, c]);
  }

  block3a(x: SymbolicTensor): SymbolicTensor {
    const a = this.convBn(x, "inception_5a_3x3", { cv1Out: 96, cv2Out: 384, cv2Filter: 3, cv2Strides: 1, padding: 1 });
    const c = this.convBn(this.avgPool(x, 3, 3), "inception_5a_pool", { cv1Out: 96, padding: 1 });
    const d = this.convBn(x, "inception_5a_1x1", { cv1Out: 256 });
    return this.concat([a, c, d]);
  }

  block3b(x: SymbolicTensor): SymbolicTensor {
    const a = this.convBn(x, "inception_5b_3x3", { cv1Out: 96, cv2Out: 384, cv2Filter: 3, cv2Strides: 1, padding: 1 });
    let c = this.convBn(this.maxPool(x, 3, 2), "inception_5b_pool", { cv1Out: 96 });
    c = this.pad(c, 1);
    const d = this.convBn(x, "inception_5b_1x1", { cv1Out: 256 });
    return this.concat([a, c, d]);
  }

  /** faceRecoModel: stem, inception blocks 3a..5b, average pool, Dense 128, L2 normalisation. */
  model(inputShape: readonly number[], name: string): Model {
    const input = Input({ shape: inputShape, name: "input_layer" });
    let x = this.pad(input, 3);
    x = this.relu(this.bn(this.conv(x, 64, 7, "conv1", 2), "bn1", 1e-3));
    x = this.maxPool(this.pad(x, 1), 3, 2);
    x = this.relu(this.bn(this.conv(x, 64, 1, "conv2"), "bn2"));
    x = this.pad(x, 1);
    x = this.relu(this.bn(this.conv(x, 192, 3, "conv3"), "bn3"));
    x = this.maxPool(this.pad(x, 1), 3, 2);
    x = this.block3b(this.block3a(this.block2b(this.block2a(this.block1c(this.block1b(this.block1a(x)))))));
    x = this.avgPool(x, 3, 1);
    x = sym(new Flatten({ dataFormat: this.df, name: this.names.next("flatten") }).apply(x));
    x = sym(new Dense({ units: 128, name: "dense_layer" }).apply(x));
    x = sym(
      new Lambda({ function: (t) => l2Normalize(t as Tensor, 1), outputShape: (s) => s, name: this.names.next("lambda") }).apply(x),
    );
    return new Model({ inputs: input, outputs: x, name });
  }
}

export interface FaceRecoModelArgs {
  /** Shape of one image, channels first; default [3, 96, 96]. */
  inputShape?: readonly number[];
  /** The model's name; default "FaceRecoModel" (the course's). */
  name?: string;
  /**
   * "channelsFirst" (default, the course's) or "channelsLast": the same network and weights (kernels are
   * [kh, kw, in, out] either way, and the flattened features are 1x1 spatially) over [n, 96, 96, 3] input,
   * which deepts' kernels run without layout transposes.
   */
  dataFormat?: "channelsFirst" | "channelsLast";
}

/**
 * The course's FaceNet: faceRecoModel([3, 96, 96]), 3,743,280 parameters, 128-D L2-normalised encodings.
 *
 * @example
 * const model = faceRecoModel();
 * const enc = model.predict(facenetPreprocess(image)); // [1, 128], each row of norm 1
 */
export function faceRecoModel(args: FaceRecoModelArgs = {}): Model {
  const df = args.dataFormat ?? "channelsFirst";
  if (df !== "channelsFirst" && df !== "channelsLast")
    throw new Error(`faceRecoModel: dataFormat must be "channelsFirst" or "channelsLast", got ${JSON.stringify(df)}`);
  const cf = df === "channelsFirst";
  const shape = args.inputShape ?? (cf ? [3, 96, 96] : [96, 96, 3]);
  if (shape.length !== 3 || (cf ? shape[0] : shape[2]) !== 3)
    throw new Error(
      `faceRecoModel: inputShape must be ${cf ? "[3, height, width] (channels first)" : "[height, width, 3] (channels last)"}, got ${JSON.stringify(shape)}`,
    );
  return new FaceNetBuilder(df).model(shape, args.name ?? "FaceRecoModel");
}

/**
 * The course's img_to_encoding preprocessing: RGB images [h, w, 3] or [n, h, w, 3] with pixels in [0, 255]
 * to channels-first [n, 3, h, w] in [0, 1].
 */
export function facenetPreprocess(x: TensorLike): Tensor {
  let t = cast(toTensor(x, "facenetPreprocess"), "float32");
  if (t.shape.length === 3) t = reshape(t, [1, ...t.shape]);
  if (t.shape.length !== 4 || t.shape[3] !== 3)
    throw new Error(`facenetPreprocess: expected RGB images [h, w, 3] or [n, h, w, 3], got [${t.shape.join(", ")}]`);
  return div(transpose(t, [0, 3, 1, 2]), 255);
}
