// Step 3 of the learning path (Course 4, week 1: "Convolution Model Application", the Happy House model).
//
// The assignment builds `happyModel()` with tf.keras.Sequential, compiles it with Adam and binary
// cross-entropy, trains it with fit(), prints summary() and evaluates it on a test set. Here the same model,
// layer for layer, in deepts; then the same model trained again through a hand-written GradientTape loop,
// which is what fit() does inside.
//
// Adaptation: the course's data (600 64x64x3 smiling / not smiling photos) is not ours to embed, so the task is
// face / non-face on the 200 greyscale 25x25 crops of scikit-image's LFW subset (`loadFaceSubset()`): the input
// is 25x25x1 instead of 64x64x3. Everything else is the notebook's model: ZeroPadding2D(3), Conv2D(32, 7x7),
// BatchNormalization(axis 3), ReLU, MaxPool2D, Flatten, Dense(1, sigmoid).
//
// Run: node --import tsx examples/03-happy-model.ts      (DEEPTS_FAST=1 for the short run)
import {
  Adam, BatchNormalization, BinaryCrossentropy, Conv2D, Dense, Flatten, GradientTape, Input, MaxPooling2D, ProgbarLogger,
  type ProgressStream, ReLU, Sequential, Tensor, ZeroPadding2D, loadFaceSubset, randomPermutation, setSeed, zip,
} from "../src/index.js";
import { type ExampleOptions, fastFromEnv, isMain } from "./lib/run.js";

/** The Happy House model of the notebook, for 25x25x1 inputs. */
export function happyModel(): Sequential {
  return new Sequential({
    name: "happy_model",
    layers: [
      Input({ shape: [25, 25, 1] }),
      new ZeroPadding2D({ padding: 3 }),
      new Conv2D({ filters: 32, kernelSize: [7, 7], strides: [1, 1] }),
      new BatchNormalization({ axis: 3 }),
      new ReLU(),
      new MaxPooling2D(),
      new Flatten(),
      new Dense({ units: 1, activation: "sigmoid" }),
    ],
  });
}

/** Rows `idx` of `t` (copied). */
function take(t: Tensor, idx: ArrayLike<number>): Tensor {
  const row = t.size / t.shape[0];
  const out = new Float32Array(idx.length * row);
  for (let i = 0; i < idx.length; i++) out.set(t.values.subarray(idx[i] * row, (idx[i] + 1) * row), i * row);
  return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
}

export interface Split {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** The 200 crops shuffled (seeded) and split: 150 to train, 50 held out for the test; labels [n, 1] float. */
export function loadHappyData(seed = 0): Split {
  const { x, y } = loadFaceSubset();
  const order = randomPermutation(200, seed);
  const labels = new Tensor(Float32Array.from(y.values), [200, 1]);
  const train = order.subarray(0, 150);
  const test = order.subarray(150);
  return { xTrain: take(x, train), yTrain: take(labels, train), xTest: take(x, test), yTest: take(labels, test) };
}

/** The share of predictions p > 0.5 that match the 0/1 labels. */
export function accuracyOf(p: Tensor, y: Tensor): number {
  let ok = 0;
  for (let i = 0; i < y.size; i++) if (p.values[i] > 0.5 === (y.values[i] === 1)) ok++;
  return ok / y.size;
}

/** A ProgressStream that hands complete lines to `log` (for callers that collect output). */
function lineStream(log: (line: string) => void): ProgressStream {
  let pending = "";
  return {
    isTTY: false,
    write(s: string) {
      pending += s;
      let i: number;
      while ((i = pending.indexOf("\n")) >= 0) {
        log(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    },
  };
}

/** Trains `model` with a hand-written GradientTape loop (what fit does); returns the mean loss of each epoch. */
export function trainByHand(
  model: Sequential,
  data: Split,
  epochs: number,
  batchSize: number,
  seed: number,
  onEpochEnd?: (epoch: number, loss: number) => void,
): number[] {
  const optimizer = new Adam({ learningRate: 0.001 });
  const lossFn = new BinaryCrossentropy();
  const n = data.xTrain.shape[0];
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = randomPermutation(n, seed + epoch);
    let total = 0;
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.subarray(start, Math.min(start + batchSize, n));
      const xb = take(data.xTrain, idx);
      const yb = take(data.yTrain, idx);
      const vars = model.trainableWeights;
      const tape = new GradientTape();
      const loss = tape.run(() => lossFn.call(yb, model.apply(xb, { training: true })));
      optimizer.applyGradients(zip(tape.gradient(loss, vars), vars));
      total += loss.item() * idx.length;
    }
    epochLosses.push(total / n);
    onEpochEnd?.(epoch, total / n);
  }
  return epochLosses;
}

export interface HappyResult {
  epochs: number;
  /** fit(): the History's per-epoch training loss and accuracy. */
  history: Record<string, number[]>;
  /** evaluate() on the held-out 50: [loss, accuracy]. */
  test: [number, number];
  summary: string;
  /** The hand-written loop: per-epoch mean loss and held-out accuracy. */
  byHand: { losses: number[]; testAccuracy: number };
}

/** Builds, summarizes, trains (fit, then by hand) and evaluates the Happy model; throws if it falls short. */
export async function main(opts: ExampleOptions = {}): Promise<HappyResult> {
  const fast = opts.fast ?? fastFromEnv();
  const log = opts.log ?? console.log;
  // Batches of 8 (the notebook: 16 of 600 images) give BatchNormalization's moving statistics, which inference
  // uses, enough steps to settle on 150 images.
  const epochs = fast ? 10 : 20;
  const batchSize = 8;
  const data = loadHappyData(0);
  log(`faces: ${data.xTrain.shape[0]} to train, ${data.xTest.shape[0]} held out; input ${JSON.stringify(data.xTrain.shape.slice(1))}`);

  // 1. The notebook's way: Sequential, compile, fit, evaluate.
  setSeed(1);
  const model = happyModel();
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  let summary = "";
  model.summary((s) => (summary = s));
  log(summary);
  // On a terminal fit draws Keras' progress bar; when output is collected, one line per epoch.
  const progress = opts.log ? [new ProgbarLogger({ stream: lineStream(log) })] : [];
  const history = await model.fit(data.xTrain, data.yTrain, { epochs, batchSize, callbacks: progress, verbose: opts.log ? 2 : "auto" });
  const test = (await model.evaluate(data.xTest, data.yTest, { verbose: 0 })) as [number, number];
  log(`evaluate on the held-out faces: loss ${test[0].toFixed(4)}, accuracy ${test[1].toFixed(4)}`);

  // 2. The same model trained by a hand-written GradientTape loop.
  setSeed(1);
  const byHandModel = happyModel();
  const losses = trainByHand(byHandModel, data, epochs, batchSize, 100);
  const testAccuracy = accuracyOf(byHandModel.predict(data.xTest) as Tensor, data.yTest);
  log(`hand-written loop: loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)}, held-out accuracy ${testAccuracy.toFixed(4)}`);

  if (test[1] < 0.95) throw new Error(`fit: held-out accuracy ${test[1]} is below 0.95`);
  if (testAccuracy < 0.95) throw new Error(`GradientTape loop: held-out accuracy ${testAccuracy} is below 0.95`);
  return { epochs, history: history.history, test, summary, byHand: { losses, testAccuracy } };
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
