// Step 4 of the learning path (Course 4, week 2: "Residual Networks").
//
// The assignment writes the two blocks of a ResNet with the Keras functional API, checks them on a tiny input
// of -1s, 1s and 3s with constant kernels, stacks them into ResNet50 (23,600,006 parameters at 64x64x3, 6
// classes) and trains it on the SIGNS images. Here: the same `identityBlock` and `convolutionalBlock`, the same
// notebook checks (values printed by real Keras 3.15), the course's ResNet50 (whose parameter count equals
// keras.applications.ResNet50's at that size, `resnet50()` in deepts), then a small ResNet made of the same
// blocks, trained with compile / fit.
//
// Adaptation: the SIGNS photos are not ours to embed, so the small ResNet learns the 1797 8x8 handwritten
// digits (`loadDigits()`, 10 classes); the blocks and the training loop are the notebook's.
//
// Run: node --import tsx examples/04-resnet-blocks.ts      (DEEPTS_FAST=1 for the short run)
import {
  Activation, Add, AveragePooling2D, BatchNormalization, Conv2D, Dense, Flatten, GlorotUniform, type Initializer, Input, type Layer,
  MaxPooling2D, Model, Ones, RandomUniform, type SymbolicTensor, Tensor, ZeroPadding2D, concat, loadDigits, mean,
  randomPermutation, resnet50, setSeed, tensor,
} from "../src/index.js";
import { type ExampleOptions, fastFromEnv, isMain } from "./lib/run.js";

/** A tensor (eager run) or a symbolic tensor (building a model): the blocks work on both, as in Keras. */
type X = Tensor | SymbolicTensor;

/** The course's `initializer(seed=0)` argument: a factory of kernel initializers. */
export type InitializerFactory = (seed: number) => Initializer;

export interface BlockOptions {
  /** BatchNormalization's mode inside the block (the course's `training` argument); default: the caller's. */
  training?: boolean;
  initializer?: InitializerFactory;
  /** BatchNormalization's momentum (Keras' default 0.99); short trainings want less, so that the moving statistics catch up. */
  momentum?: number;
}

/** Keras' `layer(x, training=...)` on a tensor or a symbolic tensor; the flag is passed only when given. */
function call(layer: Layer, x: X | X[], training?: boolean): X {
  const apply = layer.apply as (inputs: X | X[], opts?: { training?: boolean }) => X;
  return apply.call(layer, x, training === undefined ? {} : { training });
}

/**
 * The identity block: the main path CONV2D 1x1 (F1) -> BN -> ReLU -> CONV2D fxf same (F2) -> BN -> ReLU ->
 * CONV2D 1x1 (F3) -> BN, added to the unchanged input, then ReLU. The input must already have F3 channels.
 */
export function identityBlock(x: X, f: number, filters: readonly [number, number, number], opts: BlockOptions = {}): X {
  const [F1, F2, F3] = filters;
  const init = opts.initializer ?? ((seed) => new RandomUniform({ seed }));
  const t = opts.training;
  const shortcut = x;
  x = call(new Conv2D({ filters: F1, kernelSize: 1, strides: 1, padding: "valid", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  x = call(new Activation({ activation: "relu" }), x);
  x = call(new Conv2D({ filters: F2, kernelSize: f, strides: 1, padding: "same", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  x = call(new Activation({ activation: "relu" }), x);
  x = call(new Conv2D({ filters: F3, kernelSize: 1, strides: 1, padding: "valid", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  x = call(new Add(), [x, shortcut]);
  return call(new Activation({ activation: "relu" }), x);
}

/**
 * The convolutional block: the identity block's main path with stride `s` in its first 1x1 convolution, and
 * a shortcut of CONV2D 1x1 (F3, stride s) -> BN, so that the block may change the size and channel count.
 */
export function convolutionalBlock(x: X, f: number, filters: readonly [number, number, number], s = 2, opts: BlockOptions = {}): X {
  const [F1, F2, F3] = filters;
  const init = opts.initializer ?? ((seed) => new GlorotUniform({ seed }));
  const t = opts.training;
  let shortcut = x;
  x = call(new Conv2D({ filters: F1, kernelSize: 1, strides: s, padding: "valid", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  x = call(new Activation({ activation: "relu" }), x);
  x = call(new Conv2D({ filters: F2, kernelSize: f, strides: 1, padding: "same", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  x = call(new Activation({ activation: "relu" }), x);
  x = call(new Conv2D({ filters: F3, kernelSize: 1, strides: 1, padding: "valid", kernelInitializer: init(0) }), x);
  x = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), x, t);
  shortcut = call(new Conv2D({ filters: F3, kernelSize: 1, strides: s, padding: "valid", kernelInitializer: init(0) }), shortcut);
  shortcut = call(new BatchNormalization({ axis: 3, momentum: opts.momentum }), shortcut, t);
  x = call(new Add(), [x, shortcut]);
  return call(new Activation({ activation: "relu" }), x);
}

/** The course's ResNet50: stem, stages of [conv block + identity blocks] of 3, 4, 6 and 3 blocks, AvgPool, softmax. */
export function courseResNet50(inputShape: readonly number[] = [64, 64, 3], classes = 6): Model {
  const input = Input({ shape: inputShape });
  let x: X = call(new ZeroPadding2D({ padding: 3 }), input);
  x = call(new Conv2D({ filters: 64, kernelSize: 7, strides: 2, kernelInitializer: new GlorotUniform({ seed: 0 }) }), x);
  x = call(new BatchNormalization({ axis: 3 }), x);
  x = call(new Activation({ activation: "relu" }), x);
  x = call(new MaxPooling2D({ poolSize: 3, strides: 2 }), x);
  const stages: [readonly [number, number, number], number, number][] = [
    [[64, 64, 256], 1, 2], [[128, 128, 512], 2, 3], [[256, 256, 1024], 2, 5], [[512, 512, 2048], 2, 2],
  ];
  for (const [filters, s, identities] of stages) {
    x = convolutionalBlock(x, 3, filters, s);
    for (let i = 0; i < identities; i++) x = identityBlock(x, 3, filters);
  }
  x = call(new AveragePooling2D({ poolSize: 2 }), x);
  x = call(new Flatten(), x);
  x = call(new Dense({ units: classes, activation: "softmax", kernelInitializer: new GlorotUniform({ seed: 0 }) }), x);
  return new Model({ inputs: input, outputs: x as SymbolicTensor, name: "ResNet50" });
}

/**
 * A small ResNet for 8x8x1 digits: a 3x3 stem, two stages of [convolutional block, identity block], AvgPool,
 * softmax. BatchNormalization's momentum is 0.9 instead of 0.99: with a few hundred steps, the moving
 * statistics that inference uses would otherwise still be mostly their initial values.
 */
export function smallResNet(inputShape: readonly number[] = [8, 8, 1], classes = 10): Model {
  const bn = { momentum: 0.9 };
  const input = Input({ shape: inputShape });
  let x: X = call(new Conv2D({ filters: 16, kernelSize: 3, padding: "same", kernelInitializer: new GlorotUniform({ seed: 0 }) }), input);
  x = call(new BatchNormalization({ axis: 3, ...bn }), x);
  x = call(new Activation({ activation: "relu" }), x);
  x = convolutionalBlock(x, 3, [8, 8, 32], 1, bn); // 8x8x32
  x = identityBlock(x, 3, [8, 8, 32], bn);
  x = convolutionalBlock(x, 3, [16, 16, 64], 2, bn); // 4x4x64
  x = identityBlock(x, 3, [16, 16, 64], bn);
  x = call(new AveragePooling2D({ poolSize: 2 }), x); // 2x2x64
  x = call(new Flatten(), x);
  x = call(new Dense({ units: classes, activation: "softmax", kernelInitializer: new GlorotUniform({ seed: 0 }) }), x);
  return new Model({ inputs: input, outputs: x as SymbolicTensor, name: "small_resnet" });
}

/** The notebook's test input: three 4x4x3 images of -1, 1 and 3. */
export function notebookInput(): Tensor {
  return concat([-1, 1, 3].map((v) => tensor(new Float32Array(48).fill(v), [1, 4, 4, 3])), 0);
}

/** What the notebook prints: the channel mean of rows 0 and -1 of each image, [3, 2, 4]. */
export function rowMeans(a: Tensor): number[][][] {
  const [n, h, w, c] = a.shape;
  const m = mean(a, 3);
  return Array.from({ length: n }, (_, i) => [0, h - 1].map((r) => Array.from({ length: w }, (_, j) => m.values[(i * h + r) * w + j])));
}

/** The notebook's expected output for identityBlock(X, 2, [4, 4, 3], ones, training False), from Keras 3.15. */
export const IDENTITY_EXPECTED_INFERENCE = [
  [[0, 0, 0, 0], [0, 0, 0, 0]],
  [[192.71236, 192.71236, 192.71236, 96.85619], [96.85619, 96.85619, 96.85619, 48.9281]],
  [[578.1371, 578.1371, 578.1371, 290.56854], [290.56854, 290.56854, 290.56854, 146.78427]],
];

/** ... and for identityBlock(X, 2, [3, 3, 3], ones, training True) (BatchNormalization on batch statistics). */
export const IDENTITY_EXPECTED_TRAINING = [
  [[0, 0, 0, 0], [0, 0, 0, 0]],
  [[0.40739, 0.40739, 0.40739, 0.40739], [0.40739, 0.40739, 0.40739, 0.40739]],
  [[4.99991, 4.99991, 4.99991, 3.25948], [3.25948, 3.25948, 3.25948, 2.40739]],
];

/** The largest |a - b| over nested arrays of the same layout. */
function maxDiff(a: number[][][], b: number[][][]): number {
  let d = 0;
  a.forEach((p, i) => p.forEach((q, j) => q.forEach((v, k) => (d = Math.max(d, Math.abs(v - b[i][j][k]))))));
  return d;
}

/** The digits as [n, 8, 8, 1] in [0, 1] with int32 labels, shuffled (seeded) and split. */
export function loadDigitImages(testSize = 297, seed = 0): { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor } {
  const { x, y } = loadDigits();
  const n = y.size;
  const order = randomPermutation(n, seed);
  const pick = (from: number, to: number) => {
    const xs = new Float32Array((to - from) * 64);
    const ys = new Int32Array(to - from);
    for (let i = from; i < to; i++) {
      const r = order[i];
      for (let k = 0; k < 64; k++) xs[(i - from) * 64 + k] = x.values[r * 64 + k] / 16;
      ys[i - from] = y.values[r];
    }
    return [new Tensor(xs, [to - from, 8, 8, 1]), new Tensor(ys, [to - from])] as const;
  };
  const [xTrain, yTrain] = pick(0, n - testSize);
  const [xTest, yTest] = pick(n - testSize, n);
  return { xTrain, yTrain, xTest, yTest };
}

export interface ResNetResult {
  /** Largest differences from the notebook's printed values (Keras 3.15). */
  identityInferenceDiff: number;
  identityTrainingDiff: number;
  /** The course's ResNet50 at 64x64x3, 6 classes, and keras.applications' (deepts' resnet50) at the same size. */
  courseParams: number;
  courseTrainable: number;
  courseLayers: number;
  applicationsParams: number;
  smallParams: number;
  epochs: number;
  history: Record<string, number[]>;
  /** evaluate() on the held-out digits: [loss, accuracy]. */
  test: [number, number];
}

/** Runs the notebook's block checks, builds both ResNet50s, trains the small ResNet; throws if a result is off. */
export async function main(opts: ExampleOptions = {}): Promise<ResNetResult> {
  const fast = opts.fast ?? fastFromEnv();
  const log = opts.log ?? console.log;
  const ones: InitializerFactory = () => new Ones(); // the notebook's `lambda seed=0: constant(value=1)`

  // 1. The notebook's checks of the identity block, eager, with kernels of ones.
  const X = notebookInput();
  const a3 = identityBlock(X, 2, [4, 4, 3], { initializer: ones, training: false }) as Tensor;
  const a4 = identityBlock(X, 2, [3, 3, 3], { initializer: ones, training: true }) as Tensor;
  const identityInferenceDiff = maxDiff(rowMeans(a3), IDENTITY_EXPECTED_INFERENCE);
  const identityTrainingDiff = maxDiff(rowMeans(a4), IDENTITY_EXPECTED_TRAINING);
  log(`identity block vs the notebook (Keras): training=false max diff ${identityInferenceDiff.toExponential(2)}, training=true ${identityTrainingDiff.toExponential(2)}`);
  const conv = convolutionalBlock(X, 2, [2, 4, 6], 2, { initializer: ones, training: false }) as Tensor;
  log(`convolutional block: [3, 4, 4, 3] -> ${JSON.stringify(conv.shape)}`);

  // 2. The course's ResNet50 and keras.applications' at the same size: the same parameter count.
  setSeed(0);
  const course = courseResNet50([64, 64, 3], 6);
  const courseParams = course.countParams();
  const courseTrainable = course.trainableWeights.reduce((n, w) => n + w.value.size, 0);
  const applicationsParams = resnet50({ inputShape: [64, 64, 3], classes: 6 }).countParams();
  log(`the course's ResNet50 (64x64x3, 6 classes): ${courseParams.toLocaleString("en-US")} parameters; keras.applications.ResNet50 at that size: ${applicationsParams.toLocaleString("en-US")}`);

  // 3. A small ResNet of the same blocks, trained on the digits with compile / fit.
  setSeed(1);
  const data = loadDigitImages();
  const model = smallResNet();
  const smallParams = model.countParams();
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const epochs = fast ? 2 : 8;
  log(`small ResNet: ${smallParams.toLocaleString("en-US")} parameters; ${data.xTrain.shape[0]} digits to train, ${data.xTest.shape[0]} held out; ${epochs} epochs`);
  const history = await model.fit(data.xTrain, data.yTrain, { epochs, batchSize: 32, verbose: 0 });
  history.history.loss.forEach((l, e) => log(`epoch ${e + 1}: loss ${l.toFixed(4)}, accuracy ${history.history.accuracy[e].toFixed(4)}`));
  const test = (await model.evaluate(data.xTest, data.yTest, { verbose: 0 })) as [number, number];
  log(`evaluate on the held-out digits: loss ${test[0].toFixed(4)}, accuracy ${test[1].toFixed(4)}`);

  if (identityInferenceDiff > 1e-3 || identityTrainingDiff > 1e-4) throw new Error("identity block: differs from the notebook's values");
  if (JSON.stringify(conv.shape) !== "[3,2,2,6]") throw new Error(`convolutional block: shape ${JSON.stringify(conv.shape)}`);
  if (courseParams !== 23_600_006) throw new Error(`the course's ResNet50 has ${courseParams} parameters, expected 23,600,006`);
  const minAccuracy = fast ? 0.9 : 0.97;
  if (test[1] < minAccuracy) throw new Error(`held-out accuracy ${test[1]} is below ${minAccuracy}`);
  return { identityInferenceDiff, identityTrainingDiff, courseParams, courseTrainable, courseLayers: course.layers.length, applicationsParams, smallParams, epochs, history: history.history, test };
}

if (isMain(import.meta.url)) {
  const t0 = performance.now();
  main().then(
    () => console.log(`done in ${((performance.now() - t0) / 1000).toFixed(2)} s`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
