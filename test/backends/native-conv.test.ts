import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, randomUniform, type Tensor } from "../../src/index.js";
import type { Conv2dParams } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const gen = new Generator(11);
const rand = (shape: number[]): Tensor => randomUniform(shape, { minval: -1, maxval: 1, seed: gen });

interface Case {
  x: number[];
  w: number[];
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number];
}

// Odd sizes, every stride/dilation/padding family, pointwise, asymmetric and over-sized pads.
const cases: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 5], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [1, 8, 8, 4], w: [3, 3, 4, 6], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] },
  { x: [2, 9, 11, 5], w: [3, 2, 5, 7], strides: [2, 3], dilations: [1, 1], pads: [1, 0, 0, 1] },
  { x: [1, 13, 12, 3], w: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 3], pads: [2, 2, 3, 3] },
  { x: [2, 10, 10, 6], w: [5, 5, 6, 3], strides: [2, 2], dilations: [1, 1], pads: [2, 2, 2, 2] },
  { x: [3, 6, 5, 17], w: [1, 1, 17, 9], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] },
  { x: [1, 9, 9, 8], w: [1, 1, 8, 5], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] },
  { x: [1, 5, 6, 2], w: [2, 2, 2, 3], strides: [1, 1], dilations: [1, 1], pads: [3, 2, 0, 4] },
  // Six floats between pixels with contiguous taps: the direct kernel's stride-2 RGB stem instance.
  { x: [2, 11, 13, 3], w: [3, 3, 3, 20], strides: [2, 2], dilations: [1, 1], pads: [0, 1, 0, 1] },
  { x: [1, 16, 17, 3], w: [7, 7, 3, 33], strides: [2, 2], dilations: [1, 1], pads: [2, 3, 2, 3] },
  { x: [1, 9, 14, 2], w: [2, 3, 2, 5], strides: [1, 3], dilations: [1, 1], pads: [0, 0, 1, 1] },
  { x: [1, 12, 11, 3], w: [4, 3, 3, 2], strides: [3, 2], dilations: [2, 1], pads: [1, 2, 1, 0] },
  { x: [2, 16, 16, 40], w: [3, 3, 40, 33], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  // More im2col rows than one chunk holds (about 2^20 floats of columns), strided and not.
  { x: [2, 40, 40, 120], w: [3, 3, 120, 2], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [1, 45, 45, 300], w: [3, 3, 300, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1] },
  // Few input channels (the direct kernels): Cin 1-4, output channels around multiples of 16, output
  // widths around multiples of 6, padded and not, strided, dilated; Cin 5 is the GEMM again.
  { x: [2, 9, 10, 1], w: [3, 3, 1, 5], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [1, 11, 8, 2], w: [5, 4, 2, 17], strides: [2, 1], dilations: [1, 2], pads: [2, 1, 0, 3] },
  { x: [3, 20, 19, 3], w: [7, 7, 3, 32], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] },
  // Stride 1, 1-4 input channels, 8+ output channels: the direct input gradient (simd_conv_input.inc), with
  // output-channel tails, dilations, asymmetric pads and pads past the filter (windows with no taps).
  { x: [2, 9, 10, 1], w: [3, 3, 1, 12], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [1, 11, 8, 2], w: [5, 4, 2, 17], strides: [1, 1], dilations: [2, 1], pads: [2, 3, 0, 3] },
  { x: [2, 9, 7, 4], w: [2, 3, 4, 8], strides: [1, 1], dilations: [1, 2], pads: [0, 2, 1, 0] },
  // Rows wide enough for groups of pixels with every tap inside (4 at a time, 3 for Cin 4), and their edges.
  { x: [1, 6, 20, 4], w: [3, 3, 4, 20], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [2, 5, 23, 3], w: [3, 5, 3, 16], strides: [1, 1], dilations: [1, 2], pads: [1, 0, 3, 4] },
  { x: [1, 6, 5, 3], w: [3, 3, 3, 9], strides: [1, 1], dilations: [1, 1], pads: [3, 2, 0, 4] },
  { x: [1, 15, 15, 3], w: [3, 3, 3, 32], strides: [2, 2], dilations: [1, 1], pads: [0, 1, 0, 1] },
  { x: [2, 9, 7, 4], w: [2, 3, 4, 33], strides: [1, 2], dilations: [2, 1], pads: [0, 2, 1, 0] },
  { x: [2, 16, 13, 3], w: [7, 7, 3, 8], strides: [2, 2], dilations: [1, 1], pads: [3, 2, 3, 3] },
  { x: [1, 9, 9, 5], w: [3, 3, 5, 16], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  // Pointwise with few output channels or few input channels (direct too), strided and not.
  { x: [2, 7, 13, 100], w: [1, 1, 100, 40], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] },
  { x: [1, 11, 10, 16], w: [1, 1, 16, 70], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] },
  // Fewer pixels than output channels (the stride-1 input gradient through columns), 1x1 strided.
  { x: [2, 3, 2, 20], w: [3, 3, 20, 40], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  { x: [3, 4, 4, 24], w: [1, 1, 24, 130], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0] },
  // Many rows and many output channels (the filter gradient as dW, not dW^T).
  { x: [1, 17, 16, 6], w: [3, 3, 6, 130], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
];

function outSize(size: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((size + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

describe("native conv2d against the js kernels", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;

  for (const c of cases) {
    const p: Conv2dParams = { strides: c.strides, dilations: c.dilations, pads: c.pads };
    const label = `x${JSON.stringify(c.x)} w${JSON.stringify(c.w)} s${c.strides} d${c.dilations} p${c.pads}`;
    it(`forward, backprop input and backprop filter: ${label}`, () => {
      const x = rand(c.x);
      const w = rand(c.w);
      const oh = outSize(c.x[1], c.w[0], c.strides[0], c.dilations[0], c.pads[0], c.pads[1]);
      const ow = outSize(c.x[2], c.w[1], c.strides[1], c.dilations[1], c.pads[2], c.pads[3]);
      const dy = rand([c.x[0], oh, ow, c.w[3]]);
      const tol = { rtol: 1e-4, atol: 1e-4 * Math.sqrt(c.w[0] * c.w[1] * Math.max(c.w[2], c.w[3]) * c.x[0] * oh * ow) };
      const want = [jsKernels.conv2d(x, w, p), jsKernels.conv2dBackpropInput(dy, w, x.shape, p), jsKernels.conv2dBackpropFilter(x, dy, w.shape, p)];
      eachNativeSetting(addon!, (m) => {
        assertClose(native.conv2d(x, w, p), want[0], { ...tol, msg: `${m} forward` });
        assertClose(native.conv2dBackpropInput(dy, w, x.shape, p), want[1], { ...tol, msg: `${m} backprop input` });
        assertClose(native.conv2dBackpropFilter(x, dy, w.shape, p), want[2], { ...tol, msg: `${m} backprop filter` });
      }, { threads: [1, 2] });
    });
  }
});

describe("native 3x3 stride-1 convolutions by Winograd F(2x2, 3x3)", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;
  // Odd output sizes (cropped tiles), valid / same / asymmetric / wide padding, channels not multiples of
  // 8, several tile chunks per thread (2112 tiles), and the smallest tile count that takes the path.
  const wcases: { x: number[]; w: number[]; pads: [number, number, number, number] }[] = [
    { x: [3, 9, 7, 16], w: [3, 3, 16, 24], pads: [1, 1, 1, 1] },
    { x: [1, 17, 13, 33], w: [3, 3, 33, 17], pads: [0, 0, 0, 0] },
    { x: [3, 10, 12, 20], w: [3, 3, 20, 40], pads: [2, 0, 0, 1] },
    { x: [1, 12, 16, 19], w: [3, 3, 19, 21], pads: [2, 2, 2, 2] },
    { x: [2, 64, 66, 16], w: [3, 3, 16, 16], pads: [1, 1, 1, 1] },
    { x: [3, 8, 8, 64], w: [3, 3, 64, 48], pads: [1, 1, 1, 1] },
  ];
  for (const c of wcases)
    it(`forward (plain and fused), backprop input and filter: x${JSON.stringify(c.x)} w${JSON.stringify(c.w)} p${c.pads}`, () => {
      const p: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: c.pads };
      const x = rand(c.x);
      const w = rand(c.w);
      const oh = outSize(c.x[1], 3, 1, 1, c.pads[0], c.pads[1]);
      const ow = outSize(c.x[2], 3, 1, 1, c.pads[2], c.pads[3]);
      const dy = rand([c.x[0], oh, ow, c.w[3]]);
      const bias = rand([c.w[3]]);
      const tol = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(9 * c.w[2] * c.w[3]) };
      const want = [
        jsKernels.conv2d(x, w, p), jsKernels.conv2dBackpropInput(dy, w, x.shape, p), jsKernels.conv2dBiasActivation(x, w, bias, "relu6", p),
        jsKernels.conv2dBackpropFilter(x, dy, w.shape, p),
      ];
      // The filter gradient sums over every pixel of the batch.
      const ftol = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(c.x[0] * oh * ow * 9) };
      const before = addon!.info().winogradCalls;
      let runs = 0;
      eachNativeSetting(addon!, (m) => {
        assertClose(native.conv2d(x, w, p), want[0], { ...tol, msg: `${m} forward` });
        assertClose(native.conv2dBackpropInput(dy, w, x.shape, p), want[1], { ...tol, msg: `${m} backprop input` });
        assertClose(native.conv2dBiasActivation(x, w, bias, "relu6", p), want[2], { ...tol, msg: `${m} fused bias, relu6` });
        assertClose(native.conv2dBackpropFilter(x, dy, w.shape, p), want[3], { ...ftol, msg: `${m} backprop filter` });
        runs++;
      });
      // Unless switched off for the process: forward, fused forward and both backprops each went through it.
      if (process.env.DEEPTS_WINOGRAD !== "0") assert.equal(addon!.info().winogradCalls - before, 4 * runs);
    });

  it("leaves strided, dilated, few-channel and few-tile convs to the other paths", () => {
    const before = addon!.info().winogradCalls;
    const p1: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] };
    native.conv2d(rand([1, 16, 16, 16]), rand([3, 3, 16, 16]), { ...p1, strides: [2, 2] });
    native.conv2d(rand([1, 16, 16, 16]), rand([3, 3, 16, 16]), { ...p1, dilations: [2, 2], pads: [2, 2, 2, 2] });
    native.conv2d(rand([1, 16, 16, 8]), rand([3, 3, 8, 16]), p1);
    native.conv2d(rand([1, 7, 7, 64]), rand([3, 3, 64, 64]), p1); // 16 tiles
    native.conv2dBackpropFilter(rand([1, 7, 7, 64]), rand([1, 7, 7, 64]), [3, 3, 64, 64], p1);
    assert.equal(addon!.info().winogradCalls, before);
  });
});
