// Step 2 of the learning path (Course 4, week 1: "Convolutional Model: step by step").
//
// Convolution and pooling layers written by hand, forward and backward, with the loops of the numpy assignment:
// over examples i, output rows h, output columns w and channels c. Each step works on a small window of the
// input with tensor ops (slice, mul, sum, pad). The results are then checked against deepts' own conv2d,
// maxPool2d and avgPool2d, and the hand-written gradients against their autodiff gradients.
//
// Layout as in the course (and TF/Keras): activations are NHWC [m, nH, nW, nC], filters are
// [f, f, nCPrev, nC], biases [1, 1, 1, nC].
//
// Tensors are immutable, so numpy's in-place `Z[i, h, w, c] = ...` fills a plain Float32Array that becomes a
// tensor at the end, and numpy's `dA[window] += update` becomes `dA = addAt(dA, begin, update)`.
//
// Run: node --import tsx examples/02-cnn-by-hand.ts      (DEEPTS_FAST=1 for the short run)
import {
  GradientTape, Tensor, abs, add, argmax, avgPool2d, cast, conv2d, div, equal, full, gather, loadDigits, max, maxPool2d,
  mean, mul, oneHot, pad, randomNormal, reshape, slice, sub, sum, zeros,
} from "../src/index.js";
import { type ExampleOptions, fastFromEnv, runIfMain } from "./lib/run.js";

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/** The element at a multi-index, as numpy's t[i, h, w, c] (row-major offsets into the storage). */
function at(t: Tensor, ...index: number[]): number {
  let offset = 0;
  index.forEach((k, d) => (offset = offset * t.shape[d] + k));
  return t.values[offset];
}

/** `target[begin : begin + update.shape] += update`, for immutable tensors: zero-pad the update to the target's shape and add. */
export function addAt(target: Tensor, begin: readonly number[], update: Tensor): Tensor {
  return add(target, pad(update, target.shape.map((n, d) => [begin[d], n - begin[d] - update.shape[d]] as [number, number])));
}

/** The largest absolute elementwise difference. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  return max(abs(sub(a, b))).item();
}

// ---------------------------------------------------------------------------------------------------------
// Convolution, forward

/** Pads the height and width of every image of the batch X [m, nH, nW, nC] with `p` zeros on each side. */
export function zeroPad(X: Tensor, p: number): Tensor {
  return pad(X, [[0, 0], [p, p], [p, p], [0, 0]]);
}

/** One filter applied at one position: the sum of window * W plus the bias, a scalar. */
export function convSingleStep(aSlicePrev: Tensor, W: Tensor, b: Tensor): Tensor {
  return add(sum(mul(aSlicePrev, W)), reshape(b, []));
}

export interface ConvParams { stride: number; pad: number }
export interface ConvCache { APrev: Tensor; W: Tensor; b: Tensor; hparameters: ConvParams }

/** The output size of a window of `f` moved by `stride` over `n` cells padded with `p` on each side. */
export function outputSize(n: number, f: number, p: number, stride: number): number {
  return Math.floor((n + 2 * p - f) / stride) + 1;
}

/** A convolution layer: APrev [m, nHPrev, nWPrev, nCPrev], W [f, f, nCPrev, nC], b [1, 1, 1, nC] -> Z [m, nH, nW, nC]. */
export function convForward(APrev: Tensor, W: Tensor, b: Tensor, hparameters: ConvParams): { Z: Tensor; cache: ConvCache } {
  const [m, nHPrev, nWPrev, nCPrev] = APrev.shape;
  const [f, , , nC] = W.shape;
  const { stride, pad: p } = hparameters;
  const nH = outputSize(nHPrev, f, p, stride);
  const nW = outputSize(nWPrev, f, p, stride);
  const Z = new Float32Array(m * nH * nW * nC);
  const APrevPad = zeroPad(APrev, p);
  for (let i = 0; i < m; i++)
    for (let h = 0; h < nH; h++)
      for (let w = 0; w < nW; w++)
        for (let c = 0; c < nC; c++) {
          const vertStart = stride * h;
          const horizStart = stride * w;
          const aSlicePrev = reshape(slice(APrevPad, [i, vertStart, horizStart, 0], [1, f, f, nCPrev]), [f, f, nCPrev]);
          const weights = reshape(slice(W, [0, 0, 0, c], [f, f, nCPrev, 1]), [f, f, nCPrev]);
          const bias = slice(b, [0, 0, 0, c], [1, 1, 1, 1]);
          Z[((i * nH + h) * nW + w) * nC + c] = convSingleStep(aSlicePrev, weights, bias).item();
        }
  return { Z: new Tensor(Z, [m, nH, nW, nC]), cache: { APrev, W, b, hparameters } };
}

// ---------------------------------------------------------------------------------------------------------
// Pooling, forward

export type PoolMode = "max" | "average";
export interface PoolParams { f: number; stride: number }
export interface PoolCache { APrev: Tensor; hparameters: PoolParams }

/** A pooling layer (no padding): the max or the mean of each f x f window, channel by channel. */
export function poolForward(APrev: Tensor, hparameters: PoolParams, mode: PoolMode = "max"): { A: Tensor; cache: PoolCache } {
  const [m, nHPrev, nWPrev, nC] = APrev.shape;
  const { f, stride } = hparameters;
  const nH = outputSize(nHPrev, f, 0, stride);
  const nW = outputSize(nWPrev, f, 0, stride);
  const A = new Float32Array(m * nH * nW * nC);
  for (let i = 0; i < m; i++)
    for (let h = 0; h < nH; h++)
      for (let w = 0; w < nW; w++)
        for (let c = 0; c < nC; c++) {
          const window = slice(APrev, [i, stride * h, stride * w, c], [1, f, f, 1]);
          A[((i * nH + h) * nW + w) * nC + c] = (mode === "max" ? max(window) : mean(window)).item();
        }
  return { A: new Tensor(A, [m, nH, nW, nC]), cache: { APrev, hparameters } };
}

// ---------------------------------------------------------------------------------------------------------
// Convolution, backward

/**
 * Gradients of a convolution layer from dZ [m, nH, nW, nC], the gradient of the cost with respect to its output.
 * Each output Z[i, h, w, c] = sum(window * W[..., c]) + b[c] sends dZ[i, h, w, c] * W[..., c] back to its input
 * window, dZ[i, h, w, c] * window to the filter c, and dZ[i, h, w, c] to the bias c.
 */
export function convBackward(dZ: Tensor, cache: ConvCache): { dAPrev: Tensor; dW: Tensor; db: Tensor } {
  const { APrev, W, hparameters } = cache;
  const [m, , , nCPrev] = APrev.shape;
  const [f, , , nC] = W.shape;
  const [, nH, nW] = dZ.shape;
  const { stride, pad: p } = hparameters;
  const APrevPad = zeroPad(APrev, p);
  let dAPrevPad = zeros(APrevPad.shape);
  let dW = zeros(W.shape);
  let db = zeros([1, 1, 1, nC]);
  for (let i = 0; i < m; i++)
    for (let h = 0; h < nH; h++)
      for (let w = 0; w < nW; w++)
        for (let c = 0; c < nC; c++) {
          const vertStart = stride * h;
          const horizStart = stride * w;
          const dz = at(dZ, i, h, w, c);
          const aSlice = slice(APrevPad, [i, vertStart, horizStart, 0], [1, f, f, nCPrev]);
          const weights = slice(W, [0, 0, 0, c], [f, f, nCPrev, 1]);
          dAPrevPad = addAt(dAPrevPad, [i, vertStart, horizStart, 0], mul(reshape(weights, [1, f, f, nCPrev]), dz));
          dW = addAt(dW, [0, 0, 0, c], mul(reshape(aSlice, [f, f, nCPrev, 1]), dz));
          db = addAt(db, [0, 0, 0, c], full([1, 1, 1, 1], dz));
        }
  // Drop the padding: those cells were not inputs of the layer. (numpy's [pad:-pad] needs pad > 0; slice does not.)
  const dAPrev = slice(dAPrevPad, [0, p, p, 0], APrev.shape);
  return { dAPrev, dW, db };
}

// ---------------------------------------------------------------------------------------------------------
// Pooling, backward

/** How max-pool backward treats a window whose maximum appears more than once. */
export type Ties = "all" | "first";

/**
 * 1 where the window holds its maximum, 0 elsewhere: the input that moved a max-pool output.
 * The notebook's mask (`x == max(x)`, ties "all") marks every tied cell, so each receives the whole gradient;
 * TF and deepts send it to the first maximum only (ties "first"), which is the gradient of the max that was
 * actually computed. Random inputs have no ties; real images do (a blank background is all zeros).
 */
export function createMaskFromWindow(x: Tensor, ties: Ties = "all"): Tensor {
  if (ties === "all") return cast(equal(x, max(x)), "float32");
  return reshape(oneHot(argmax(reshape(x, [x.size])), x.size), x.shape);
}

/** dz spread evenly over a window of `shape`: each of its cells contributed 1 / (size) of an average. */
export function distributeValue(dz: number, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return full(shape, dz / n);
}

/** Gradient of a pooling layer with respect to its input, from dA [m, nH, nW, nC] the gradient of its output. */
export function poolBackward(dA: Tensor, cache: PoolCache, mode: PoolMode = "max", ties: Ties = "all"): Tensor {
  const { APrev, hparameters } = cache;
  const { f, stride } = hparameters;
  const [m, nH, nW, nC] = dA.shape;
  let dAPrev = zeros(APrev.shape);
  for (let i = 0; i < m; i++)
    for (let h = 0; h < nH; h++)
      for (let w = 0; w < nW; w++)
        for (let c = 0; c < nC; c++) {
          const begin = [i, stride * h, stride * w, c];
          const da = at(dA, i, h, w, c);
          const update =
            mode === "max"
              ? mul(createMaskFromWindow(slice(APrev, begin, [1, f, f, 1]), ties), da)
              : distributeValue(da, [1, f, f, 1]);
          dAPrev = addAt(dAPrev, begin, update);
        }
  return dAPrev;
}

// ---------------------------------------------------------------------------------------------------------
// Checks against the library

export interface Check { name: string; maxAbsDiff: number }

/** Above this the hand-written layer disagrees with the library: float32 rounding stays far below it. */
export const TOLERANCE = 1e-4;

/** Hand-written convForward/convBackward vs conv2d with explicit padding and its autodiff gradients. */
export function checkConv(name: string, APrev: Tensor, W: Tensor, b: Tensor, hp: ConvParams, log: (s: string) => void): Check[] {
  const { Z, cache } = convForward(APrev, W, b, hp);
  // dZ stands for whatever the rest of a network would send back; random, so every path is exercised.
  const dZ = randomNormal(Z.shape, { seed: 7 });
  const mine = convBackward(dZ, cache);

  const tape = new GradientTape();
  tape.watch(APrev, W, b);
  const p = hp.pad;
  const ZLib = tape.run(() => add(conv2d(APrev, W, { strides: hp.stride, padding: [[p, p], [p, p]] }), b));
  // outputGradients seeds the backward pass with dZ: the gradients of sum(ZLib * dZ).
  const [dAPrev, dW, db] = tape.gradient(ZLib, [APrev, W, b], { outputGradients: dZ });

  log(`${name}: Z ${JSON.stringify(Z.shape)}, Z's mean ${mean(Z).item().toFixed(6)}`);
  return [
    { name: `${name} Z`, maxAbsDiff: maxAbsDiff(Z, ZLib) },
    { name: `${name} dAPrev`, maxAbsDiff: maxAbsDiff(mine.dAPrev, dAPrev) },
    { name: `${name} dW`, maxAbsDiff: maxAbsDiff(mine.dW, dW) },
    { name: `${name} db`, maxAbsDiff: maxAbsDiff(mine.db, db) },
  ];
}

/** Hand-written poolForward/poolBackward vs maxPool2d or avgPool2d and its autodiff gradient. */
export function checkPool(
  name: string, APrev: Tensor, hp: PoolParams, mode: PoolMode, log: (s: string) => void, ties: Ties = "all",
): Check[] {
  const { A, cache } = poolForward(APrev, hp, mode);
  const dA = randomNormal(A.shape, { seed: 11 });
  const mine = poolBackward(dA, cache, mode, ties);

  const tape = new GradientTape();
  tape.watch(APrev);
  const libPool = mode === "max" ? maxPool2d : avgPool2d;
  const ALib = tape.run(() => libPool(APrev, { poolSize: hp.f, strides: hp.stride }));
  const dAPrev = tape.gradient(ALib, APrev, { outputGradients: dA });

  log(`${name}: A ${JSON.stringify(A.shape)}, A's mean ${mean(A).item().toFixed(6)}`);
  return [
    { name: `${name} A`, maxAbsDiff: maxAbsDiff(A, ALib) },
    { name: `${name} dAPrev`, maxAbsDiff: maxAbsDiff(mine, dAPrev) },
  ];
}

export interface CnnResult {
  checks: Check[];
  maxAbsDiff: number;
  /** Full run only: how far the notebook's all-ties mask lands from the library on digit images (ties exist). */
  digitsAllTiesDiff?: number;
  seconds: number;
}

/** Runs every check; throws, naming the failures, when any difference exceeds TOLERANCE. */
export function main(opts: ExampleOptions = {}): CnnResult {
  const log = opts.log ?? console.log;
  const fast = opts.fast ?? fastFromEnv();
  const t0 = performance.now();
  const randn = (shape: number[], seed: number) => randomNormal(shape, { seed });
  const checks: Check[] = [];
  let digitsAllTiesDiff: number | undefined;

  // The notebook's own test shapes.
  checks.push(...checkConv("conv f3 stride2 pad1", randn([2, 5, 7, 4], 1), randn([3, 3, 4, 8], 2), randn([1, 1, 1, 8], 3), { stride: 2, pad: 1 }, log));
  for (const mode of ["max", "average"] as const) {
    checks.push(...checkPool(`${mode} pool f3 stride1`, randn([2, 5, 5, 3], 4), { f: 3, stride: 1 }, mode, log));
    checks.push(...checkPool(`${mode} pool f3 stride2`, randn([2, 5, 5, 3], 4), { f: 3, stride: 2 }, mode, log));
    checks.push(...checkPool(`${mode} pool f2 stride1`, randn([5, 5, 3, 2], 5), { f: 2, stride: 1 }, mode, log));
  }

  if (!fast) {
    // More geometry: no padding, padding wider than the stride, a window that does not tile the input.
    checks.push(...checkConv("conv f2 stride1 pad0", randn([2, 6, 5, 3], 6), randn([2, 2, 3, 4], 7), randn([1, 1, 1, 4], 8), { stride: 1, pad: 0 }, log));
    checks.push(...checkConv("conv f5 stride3 pad2", randn([1, 9, 8, 2], 9), randn([5, 5, 2, 3], 10), randn([1, 1, 1, 3], 11), { stride: 3, pad: 2 }, log));
    // Real images: four digits through a 3x3 "same" convolution, then 2x2 pooling.
    const digits = div(reshape(gather(loadDigits().x, [0, 1, 2, 3]), [4, 8, 8, 1]), 16);
    checks.push(...checkConv("digits conv f3 stride1 pad1", digits, mul(randn([3, 3, 1, 4], 12), 0.5), zeros([1, 1, 1, 4]), { stride: 1, pad: 1 }, log));
    checks.push(...checkPool("digits average pool f2 stride2", digits, { f: 2, stride: 2 }, "average", log));
    // Digit windows are often all zeros: ties. Only the first-maximum mask matches the library there.
    checks.push(...checkPool("digits max pool f2 stride2", digits, { f: 2, stride: 2 }, "max", log, "first"));
    digitsAllTiesDiff = checkPool("digits max pool, all-ties mask", digits, { f: 2, stride: 2 }, "max", () => {}, "all")[1].maxAbsDiff;
    log(`digits max pool with the notebook's all-ties mask: max |hand - library| = ${digitsAllTiesDiff.toFixed(3)} (expected: ties)`);
  }

  for (const c of checks) log(`  ${c.name.padEnd(34)} max |hand - library| = ${c.maxAbsDiff.toExponential(2)}`);
  const worst = Math.max(...checks.map((c) => c.maxAbsDiff));
  log(`max difference ${worst.toExponential(2)} over ${checks.length} checks (tolerance ${TOLERANCE})`);
  const failed = checks.filter((c) => !(c.maxAbsDiff <= TOLERANCE));
  if (failed.length > 0)
    throw new Error(`02-cnn-by-hand: the hand-written layers disagree with the library: ${failed.map((c) => `${c.name} ${c.maxAbsDiff}`).join(", ")}`);
  return { checks, maxAbsDiff: worst, digitsAllTiesDiff, seconds: (performance.now() - t0) / 1000 };
}

runIfMain(import.meta.url, main);
