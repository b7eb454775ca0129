// expandDepthwise: a 1x1 convolution straight into a depthwise one, the native kernel's bands of expanded rows
// (several bands an image, the rows two bands share kept, thread boundaries, padding on the first and last
// band, strides and dilations) against the js composition of the two fused convolutions.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Generator, randomUniform, Tensor } from "../../src/index.js";
import type { Conv2dParams, FusedActivation } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const gen = new Generator(53);
const rand = (shape: number[], scale = 1): Tensor => randomUniform(shape, { minval: -scale, maxval: scale, seed: gen });
const one: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] };

describe("js expandDepthwise (reference)", () => {
  it("is the 1x1 fused convolution, then the depthwise one", () => {
    const x = rand([1, 5, 4, 3]);
    const w1 = rand([1, 1, 3, 6]);
    const w2 = rand([3, 3, 6, 1]);
    const b1 = rand([6]);
    const b2 = rand([6]);
    const p: Conv2dParams = { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] };
    const mid = jsKernels.conv2dBiasActivation(x, w1, b1, "relu6", one);
    const want = jsKernels.depthwiseConv2dBiasActivation(mid, w2, b2, "relu", p);
    assertClose(jsKernels.expandDepthwise(x, w1, b1, "relu6", null, w2, b2, "relu", p), want);
  });
});

describe("native expandDepthwise against the js kernels", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;
  // [x, ce, kernel, strides, pads, dilations]: rows of 112 x 96 floats (43 KB) make bands of a few rows.
  const cases: [number[], number, [number, number], [number, number], [number, number, number, number], [number, number]][] = [
    [[1, 13, 11, 5], 24, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1]],
    [[2, 12, 12, 8], 40, [3, 3], [2, 2], [0, 1, 0, 1], [1, 1]],
    [[1, 20, 112, 4], 96, [3, 3], [1, 1], [1, 1, 1, 1], [1, 1]],
    [[2, 21, 112, 3], 96, [3, 3], [2, 2], [1, 1, 1, 1], [1, 1]],
    [[1, 15, 60, 3], 128, [3, 3], [1, 1], [2, 2, 2, 2], [2, 2]],
    [[1, 16, 90, 6], 120, [5, 5], [2, 2], [1, 2, 1, 2], [1, 1]],
    // Windows past the bottom padding only, and a single output row.
    [[1, 9, 100, 4], 100, [3, 3], [1, 1], [0, 2, 1, 1], [1, 1]],
    [[1, 3, 7, 4], 16, [3, 3], [1, 1], [0, 0, 0, 0], [1, 1]],
  ];
  const acts: [FusedActivation, FusedActivation][] = [["relu6", "relu6"], ["linear", "relu"], ["relu", "linear"]];
  for (const [xs, ce, [kh, kw], strides, pads, dilations] of cases)
    it(`x${JSON.stringify(xs)} -> ${ce} -> depthwise ${kh}x${kw} /${strides[0]} pads ${pads} dilation ${dilations[0]}`, () => {
      const x = rand(xs, 2);
      const w1 = rand([1, 1, xs[3], ce]);
      const w2 = rand([kh, kw, ce, 1]);
      const b1 = rand([ce]);
      const b2 = rand([ce]);
      const p: Conv2dParams = { strides, dilations, pads };
      const packed = native.packConv2dFilter(xs, w1, one);
      for (const [a1, a2] of acts)
        for (const bias of [true, false]) {
          const want = jsKernels.expandDepthwise(x, w1, bias ? b1 : null, a1, null, w2, bias ? b2 : null, a2, p);
          eachNativeSetting(addon!, (m) => {
            for (const pk of [packed, null]) {
              const got = native.expandDepthwise(x, w1, bias ? b1 : null, a1, pk, w2, bias ? b2 : null, a2, p);
              assertClose(got, want, { rtol: 1e-4, atol: 1e-4, msg: `${m} ${a1}/${a2} bias=${bias} packed=${!!pk}` });
            }
          }, { threads: [1, 2, 3] });
        }
    });

  it("writes into given storage, every element", () => {
    const x = rand([1, 20, 112, 4]);
    const w1 = rand([1, 1, 4, 96]);
    const w2 = rand([3, 3, 96, 1]);
    const p: Conv2dParams = { strides: [2, 2], dilations: [1, 1], pads: [0, 1, 0, 1] };
    const out = new Float32Array(10 * 56 * 96).fill(NaN);
    const got = native.expandDepthwise(x, w1, null, "relu6", null, w2, null, "linear", p, out);
    assert.equal(got.values, out);
    assertClose(got, jsKernels.expandDepthwise(x, w1, null, "relu6", null, w2, null, "linear", p), { rtol: 1e-4, atol: 1e-4 });
  });
});
