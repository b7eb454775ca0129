// Step 1 of the learning path (Course 1, week 4: "Building your Deep Neural Network: Step by Step").
//
// An L-layer network written by hand: forward pass with caches, cross-entropy cost, backward pass from the
// caches, gradient descent. deepts only supplies tensor ops here (matmul, add, exp, ...); every gradient is
// derived on paper and written out, as in the numpy assignment. At the end the hand-written gradients are
// compared with deepts' autodiff over the same forward pass.
//
// Conventions follow the course: examples are COLUMNS. X is [nFeatures, m], W[l] is [n[l], n[l-1]],
// b[l] is [n[l], 1], and Z[l] = W[l] · A[l-1] + b[l] broadcasts b over the m columns.
//
// Run: node --import tsx examples/01-dnn-from-scratch.ts      (DEEPTS_FAST=1 for a few-second run)
import {
  type Tensor, Generator, add, argmax, cast, div, equal, exp, gather, grads, greater, loadDigits, log, matmul, max,
  mean, mul, neg, norm, oneHot, randomNormal, randomPermutation, relu, std, sub, sum, transpose,
  where, zeros,
} from "../src/index.js";
import { type ExampleOptions, fastFromEnv, runIfMain } from "./lib/run.js";

// ---------------------------------------------------------------------------------------------------------
// Parameters

/** W1, b1, ..., WL, bL, keyed "W1", "b1", ... as in the course's `parameters` dictionary. */
export type Parameters = Record<string, Tensor>;

/**
 * Random weights and zero biases for layer sizes `layerDims` = [n0, n1, ..., nL].
 * He scaling, W ~ N(0, 1) * sqrt(2 / n[l-1]), keeps the variance of ReLU activations about constant from layer
 * to layer (the week-4 notebook divides by sqrt(n[l-1]); Course 2 explains why ReLU wants the extra factor 2).
 */
export function initializeParametersDeep(layerDims: readonly number[], seed = 1): Parameters {
  const gen = new Generator(seed);
  const parameters: Parameters = {};
  for (let l = 1; l < layerDims.length; l++) {
    parameters[`W${l}`] = mul(randomNormal([layerDims[l], layerDims[l - 1]], { seed: gen }), Math.sqrt(2 / layerDims[l - 1]));
    parameters[`b${l}`] = zeros([layerDims[l], 1]);
  }
  return parameters;
}

/** The number of layers L (weights W1..WL). */
function depth(parameters: Parameters): number {
  return Object.keys(parameters).filter((k) => k.startsWith("W")).length;
}

// ---------------------------------------------------------------------------------------------------------
// Forward propagation

export interface LinearCache { APrev: Tensor; W: Tensor; b: Tensor }
export interface LayerCache { linear: LinearCache; Z: Tensor; A: Tensor }
export type Activation = "relu" | "softmax";

/** Z = W · A_prev + b, keeping what the backward pass needs. */
export function linearForward(APrev: Tensor, W: Tensor, b: Tensor): { Z: Tensor; cache: LinearCache } {
  return { Z: add(matmul(W, APrev), b), cache: { APrev, W, b } };
}

/**
 * Softmax over the classes (axis 0: each column is one example). Subtracting the column's max first leaves the
 * result unchanged (it cancels in the ratio) but keeps exp from overflowing.
 */
export function softmaxColumns(Z: Tensor): Tensor {
  const e = exp(sub(Z, max(Z, 0, { keepDims: true })));
  return div(e, sum(e, 0, { keepDims: true }));
}

/** One layer: the linear step then the activation. */
export function linearActivationForward(APrev: Tensor, W: Tensor, b: Tensor, activation: Activation): { A: Tensor; cache: LayerCache } {
  const { Z, cache: linear } = linearForward(APrev, W, b);
  const A = activation === "relu" ? relu(Z) : softmaxColumns(Z);
  return { A, cache: { linear, Z, A } };
}

/**
 * [LINEAR -> RELU] x (L-1) -> LINEAR -> SOFTMAX.
 *
 * The output layer is a softmax over the 10 digit classes, not the week-4 sigmoid: the notebook's cat/non-cat
 * task is binary (one sigmoid unit), the digits are 10 mutually exclusive classes, so the output must be a
 * probability distribution over them. With two classes the softmax is the sigmoid of the logit difference,
 * and its backward pass gives the notebook's dZ = A - Y just the same.
 */
export function lModelForward(X: Tensor, parameters: Parameters): { AL: Tensor; caches: LayerCache[] } {
  const L = depth(parameters);
  const caches: LayerCache[] = [];
  let A = X;
  for (let l = 1; l < L; l++) {
    const r = linearActivationForward(A, parameters[`W${l}`], parameters[`b${l}`], "relu");
    A = r.A;
    caches.push(r.cache);
  }
  const out = linearActivationForward(A, parameters[`W${L}`], parameters[`b${L}`], "softmax");
  caches.push(out.cache);
  return { AL: out.A, caches };
}

/** Cross-entropy: -1/m * sum over examples and classes of Y * log(AL), with Y one-hot [classes, m]. */
export function computeCost(AL: Tensor, Y: Tensor): Tensor {
  const m = Y.shape[1];
  return div(neg(sum(mul(Y, log(AL)))), m);
}

// ---------------------------------------------------------------------------------------------------------
// Backward propagation

/** The gradients of the linear step from dZ, the gradient with respect to Z of each example's own loss. */
export function linearBackward(dZ: Tensor, cache: LinearCache): { dAPrev: Tensor; dW: Tensor; db: Tensor } {
  const { APrev, W } = cache;
  const m = APrev.shape[1];
  // As in the notebook, dZ here is per example (no 1/m yet); averaging over the batch happens in dW and db.
  const dW = div(matmul(dZ, APrev, { transposeB: true }), m);
  const db = div(sum(dZ, 1, { keepDims: true }), m);
  const dAPrev = matmul(W, dZ, { transposeA: true });
  return { dAPrev, dW, db };
}

/** dZ = dA * relu'(Z): the gradient passes where Z > 0 and stops elsewhere. */
export function reluBackward(dA: Tensor, Z: Tensor): Tensor {
  return where(greater(Z, 0), dA, 0);
}

/**
 * dZ from dA through the softmax of each column: the Jacobian of s = softmax(z) is diag(s) - s s^T, so
 * dZ = s * (dA - sum(dA * s)) with the sum over the classes of the column.
 */
export function softmaxBackward(dA: Tensor, A: Tensor): Tensor {
  return mul(A, sub(dA, sum(mul(dA, A), 0, { keepDims: true })));
}

/** One layer backward: through the activation, then through the linear step. */
export function linearActivationBackward(dA: Tensor, cache: LayerCache, activation: Activation) {
  const dZ = activation === "relu" ? reluBackward(dA, cache.Z) : softmaxBackward(dA, cache.A);
  return linearBackward(dZ, cache.linear);
}

/**
 * Gradients of the cost for every parameter, keyed "dW1", "db1", ..., walking the caches from the last layer.
 * dAL = -Y / AL is the derivative of -sum(Y log AL) per example; through the softmax it becomes AL - Y.
 */
export function lModelBackward(AL: Tensor, Y: Tensor, caches: readonly LayerCache[]): Record<string, Tensor> {
  const L = caches.length;
  const gradients: Record<string, Tensor> = {};
  const dAL = neg(div(Y, AL));
  let g = linearActivationBackward(dAL, caches[L - 1], "softmax");
  gradients[`dW${L}`] = g.dW;
  gradients[`db${L}`] = g.db;
  for (let l = L - 1; l >= 1; l--) {
    g = linearActivationBackward(g.dAPrev, caches[l - 1], "relu");
    gradients[`dW${l}`] = g.dW;
    gradients[`db${l}`] = g.db;
  }
  return gradients;
}

/** One step of gradient descent: W = W - learningRate * dW for every parameter. */
export function updateParameters(parameters: Parameters, gradients: Record<string, Tensor>, learningRate: number): Parameters {
  const next: Parameters = {};
  for (const [k, p] of Object.entries(parameters)) next[k] = sub(p, mul(gradients[`d${k}`], learningRate));
  return next;
}

// ---------------------------------------------------------------------------------------------------------
// Checking the hand-written gradients against autodiff

/**
 * Compares lModelBackward with deepts' autodiff of computeCost(lModelForward(...)) on the batch (X, Y).
 * For each parameter: ||g_hand - g_auto|| / (||g_hand|| + ||g_auto||), the course's gradient-check measure.
 */
export function checkGradients(X: Tensor, Y: Tensor, parameters: Parameters): Record<string, number> {
  const { AL, caches } = lModelForward(X, parameters);
  const hand = lModelBackward(AL, Y, caches);
  const names = Object.keys(parameters);
  // grads() differentiates a function of tensors with respect to each of its arguments.
  const costOf = (...ps: Tensor[]) => computeCost(lModelForward(X, Object.fromEntries(names.map((k, i) => [k, ps[i]]))).AL, Y);
  const auto = grads(costOf)(...names.map((k) => parameters[k]));
  const diffs: Record<string, number> = {};
  names.forEach((k, i) => {
    const a = hand[`d${k}`];
    const b = auto[i];
    diffs[k] = norm(sub(a, b)).item() / (norm(a).item() + norm(b).item() + 1e-30);
  });
  return diffs;
}

// ---------------------------------------------------------------------------------------------------------
// Data

export interface DigitsSplit { XTrain: Tensor; YTrain: Tensor; yTrain: Tensor; XTest: Tensor; YTest: Tensor; yTest: Tensor }

/**
 * The 1797 digits, shuffled, 80% train / 20% test, standardized with the TRAIN mean and std (the test set must
 * not leak into preprocessing), then laid out as columns: X [64, m], Y one-hot [10, m].
 */
export function loadDigitsSplit(seed = 0): DigitsSplit {
  const { x, y } = loadDigits();
  const n = x.shape[0];
  const perm = randomPermutation(n, seed);
  const nTrain = Math.round(0.8 * n);
  const trainIdx = perm.subarray(0, nTrain);
  const testIdx = perm.subarray(nTrain);
  const xTrain = gather(x, trainIdx);
  const xTest = gather(x, testIdx);
  const mu = mean(xTrain, 0);
  const sd = std(xTrain, 0);
  // Pixels that never change (the corners are always 0) have sd = 0: leave them centred but unscaled.
  const scale = where(equal(sd, 0), 1, sd);
  const standardize = (t: Tensor) => transpose(div(sub(t, mu), scale));
  const yTrain = gather(y, trainIdx);
  const yTest = gather(y, testIdx);
  return {
    XTrain: standardize(xTrain), YTrain: transpose(oneHot(yTrain, 10)), yTrain,
    XTest: standardize(xTest), YTest: transpose(oneHot(yTest, 10)), yTest,
  };
}

/** The fraction of columns of X whose most probable class is the label. */
export function accuracy(X: Tensor, y: Tensor, parameters: Parameters): number {
  const predictions = argmax(lModelForward(X, parameters).AL, 0);
  return mean(cast(equal(predictions, y), "float32")).item();
}

// ---------------------------------------------------------------------------------------------------------
// The model

export interface DnnResult {
  layerDims: number[];
  iterations: number;
  /** The cost at iteration 0, printEvery, 2 * printEvery, ... and at the last iteration. */
  costs: { iteration: number; cost: number }[];
  trainAccuracy: number;
  testAccuracy: number;
  /** Relative difference per parameter between the hand-written and the autodiff gradients. */
  gradCheck: Record<string, number>;
  maxGradRelDiff: number;
  seconds: number;
}

/** Above this, the hand-written backward pass disagrees with autodiff: a bug, not float32 rounding. */
export const GRAD_TOLERANCE = 1e-5;

/** Trains an L-layer model with full-batch gradient descent, as the notebook's L_layer_model. */
export function lLayerModel(
  X: Tensor, Y: Tensor, layerDims: readonly number[],
  opts: { learningRate: number; numIterations: number; printEvery: number; log: (line: string) => void },
): { parameters: Parameters; costs: { iteration: number; cost: number }[] } {
  let parameters = initializeParametersDeep(layerDims, 1);
  const costs: { iteration: number; cost: number }[] = [];
  for (let i = 0; i < opts.numIterations; i++) {
    const { AL, caches } = lModelForward(X, parameters);
    const cost = computeCost(AL, Y).item();
    const gradients = lModelBackward(AL, Y, caches);
    parameters = updateParameters(parameters, gradients, opts.learningRate);
    if (i % opts.printEvery === 0 || i === opts.numIterations - 1) {
      costs.push({ iteration: i, cost });
      opts.log(`cost after iteration ${String(i).padStart(4)}: ${cost.toFixed(6)}`);
    }
  }
  return { parameters, costs };
}

/** Checks the gradients, trains on the digits, reports the accuracies. Throws if the gradients disagree. */
export function main(opts: ExampleOptions = {}): DnnResult {
  const log = opts.log ?? console.log;
  const fast = opts.fast ?? fastFromEnv();
  const t0 = performance.now();
  const layerDims = [64, 32, 16, 10];
  const data = loadDigitsSplit();
  log(`digits: ${data.XTrain.shape[1]} train, ${data.XTest.shape[1]} test examples; layers ${layerDims.join(" -> ")}`);

  // 1. Gradient check on a batch of 64 training examples, at the initial parameters.
  const batch = Array.from({ length: 64 }, (_, i) => i);
  const gradCheck = checkGradients(gather(data.XTrain, batch, 1), gather(data.YTrain, batch, 1), initializeParametersDeep(layerDims, 1));
  const maxGradRelDiff = Math.max(...Object.values(gradCheck));
  log(`gradient check (hand-written vs autodiff): ${Object.entries(gradCheck).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
  log(`max relative difference ${maxGradRelDiff.toExponential(2)} (tolerance ${GRAD_TOLERANCE})`);
  if (!(maxGradRelDiff <= GRAD_TOLERANCE))
    throw new Error(`01-dnn-from-scratch: hand-written gradients differ from autodiff by ${maxGradRelDiff} > ${GRAD_TOLERANCE}: ${JSON.stringify(gradCheck)}`);

  // 2. Training.
  // Full-batch gradient descent: every iteration sees all the training examples.
  const numIterations = fast ? 100 : 1000;
  const { parameters, costs } = lLayerModel(data.XTrain, data.YTrain, layerDims, {
    learningRate: 0.3, numIterations, printEvery: fast ? 20 : 100, log,
  });
  const trainAccuracy = accuracy(data.XTrain, data.yTrain, parameters);
  const testAccuracy = accuracy(data.XTest, data.yTest, parameters);
  log(`train accuracy ${(100 * trainAccuracy).toFixed(2)}%, test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
  return {
    layerDims, iterations: numIterations, costs, trainAccuracy, testAccuracy, gradCheck, maxGradRelDiff,
    seconds: (performance.now() - t0) / 1000,
  };
}

runIfMain(import.meta.url, main);
