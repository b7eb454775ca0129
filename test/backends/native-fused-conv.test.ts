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
const gen = new Generator(31);
const rand = (shape: number[], scale = 1): Tensor => randomUniform(shape, { minval: -scale, maxval: scale, seed: gen });
const p = (strides: [number, number], pads: [number, number, number, number], dilations: [number, number] = [1, 1]): Conv2dParams => ({
  strides,
  dilations,
  pads,
});
const acts: FusedActivation[] = ["linear", "relu", "relu6"];

describe("js conv2dBiasActivation / depthwiseConv2dBiasActivation (reference)", () => {
  it("adds the bias per output channel, then clips as relu6", () => {
    // 1x1 conv of a 1x1x2x1 image with weights [2, -3]: outputs [2x, -3x] + bias [1, 10].
    const x = new Tensor(Float64Array.from([4]), [1, 1, 1, 1], "float64");
    const w = new Tensor(Float64Array.from([2, -3]), [1, 1, 1, 2], "float64");
    const b = new Tensor(Float64Array.from([1, 10]), [2], "float64");
    const y = jsKernels.conv2dBiasActivation(x, w, b, "relu6", p([1, 1], [0, 0, 0, 0]));
    assert.equal(y.dtype, "float64");
    assert.deepEqual([...y.values], [6, 0]); // 9 -> 6, -2 -> 0
    assert.deepEqual([...jsKernels.conv2dBiasActivation(x, w, b, "linear", p([1, 1], [0, 0, 0, 0])).values], [9, -2]);
    assert.deepEqual([...jsKernels.conv2dBiasActivation(x, w, null, "relu", p([1, 1], [0, 0, 0, 0])).values], [8, 0]);
  });

  it("depthwise: bias over channels times multiplier", () => {
    const x = new Tensor(Float64Array.from([1, -2]), [1, 1, 1, 2], "float64");
    const w = new Tensor(Float64Array.from([1, 2, 3, 4]), [1, 1, 2, 2], "float64");
    const b = new Tensor(Float64Array.from([0.5, 0, 0, -1]), [4], "float64");
    const y = jsKernels.depthwiseConv2dBiasActivation(x, w, b, "relu", p([1, 1], [0, 0, 0, 0]));
    assert.deepEqual([...y.values], [1.5, 2, 0, 0]); // [1, 2, -6, -8] + b, relu
  });
});

describe("native fused conv epilogue against the js kernels", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;
  // The direct kernel (few input channels, pointwise few outputs), the GEMM (im2col and pointwise),
  // odd channel counts; depthwise with multiplier 1 and 2.
  const convCases: { x: number[]; w: number[]; p: Conv2dParams }[] = [
    { x: [2, 9, 10, 3], w: [3, 3, 3, 20], p: p([2, 2], [0, 1, 0, 1]) },
    { x: [1, 8, 7, 24], w: [1, 1, 24, 16], p: p([1, 1], [0, 0, 0, 0]) },
    // The direct kernel with enough work for two threads (each adds the residual to its own rows).
    { x: [1, 20, 20, 32], w: [1, 1, 32, 24], p: p([1, 1], [0, 0, 0, 0]) },
    { x: [1, 7, 9, 12], w: [3, 3, 12, 70], p: p([1, 1], [1, 1, 1, 1]) },
    { x: [2, 6, 6, 40], w: [1, 1, 40, 100], p: p([1, 1], [0, 0, 0, 0]) },
    { x: [1, 9, 8, 9], w: [2, 3, 9, 5], p: p([1, 2], [1, 0, 2, 1], [2, 1]) },
    // Three output pixels: the GEMM's thin path (no packing), its epilogue after the product.
    { x: [1, 1, 3, 24], w: [1, 1, 24, 100], p: p([1, 1], [0, 0, 0, 0]) },
    // Deep enough for several k-blocks: the epilogue only after the last one.
    { x: [1, 5, 5, 400], w: [3, 3, 400, 40], p: p([1, 1], [1, 1, 1, 1]) },
    // Winograd (3x3, stride 1, 16+ channels, 49 tiles).
    { x: [1, 14, 14, 16], w: [3, 3, 16, 24], p: p([1, 1], [1, 1, 1, 1]) },
  ];
  const dwCases: { x: number[]; w: number[]; p: Conv2dParams }[] = [
    { x: [1, 12, 11, 37], w: [3, 3, 37, 1], p: p([1, 1], [1, 1, 1, 1]) },
    { x: [2, 9, 9, 16], w: [3, 3, 16, 1], p: p([2, 2], [0, 1, 0, 1]) },
    { x: [1, 7, 6, 5], w: [3, 2, 5, 2], p: p([1, 1], [1, 1, 0, 1]) },
  ];
  const eachSetting = (f: (m: string) => void) => eachNativeSetting(addon!, f, { threads: [1, 2] });
  for (const c of convCases)
    it(`conv2dBiasActivation x${JSON.stringify(c.x)} w${JSON.stringify(c.w)}`, () => {
      // Scaled so that a good share of outputs falls beyond 6 and below 0.
      const x = rand(c.x, 3);
      const w = rand(c.w);
      const b = rand([c.w[3]], 2);
      const want0 = jsKernels.conv2dBiasActivation(x, w, null, "linear", c.p);
      // A residual block's add (before the activation), with and without the bias.
      const res = rand([...want0.shape], 3);
      for (const act of acts)
        for (const bias of [b, null])
          for (const residual of [null, res]) {
            const want = jsKernels.conv2dBiasActivation(x, w, bias, act, c.p, undefined, null, residual);
            eachSetting((m) => {
              const got = native.conv2dBiasActivation(x, w, bias, act, c.p, undefined, null, residual);
              assertClose(got, want, { rtol: 1e-4, atol: 1e-4, msg: `${m} ${act} bias=${!!bias} residual=${!!residual}` });
            });
          }
    });
  for (const c of dwCases)
    it(`depthwiseConv2dBiasActivation x${JSON.stringify(c.x)} w${JSON.stringify(c.w)}`, () => {
      const x = rand(c.x, 4);
      const w = rand(c.w);
      const b = rand([c.w[2] * c.w[3]], 2);
      for (const act of acts)
        for (const bias of [b, null]) {
          const want = jsKernels.depthwiseConv2dBiasActivation(x, w, bias, act, c.p);
          eachSetting((m) => assertClose(native.depthwiseConv2dBiasActivation(x, w, bias, act, c.p), want, { rtol: 1e-4, atol: 1e-4, msg: `${m} ${act} bias=${!!bias}` }));
        }
    });

  it("a residual of another shape is an error naming both shapes", () => {
    const x = rand([1, 6, 6, 8]);
    const w = rand([1, 1, 8, 40]);
    const q = p([1, 1], [0, 0, 0, 0]);
    assert.throws(() => native.conv2dBiasActivation(x, w, null, "relu", q, undefined, null, rand([1, 6, 40, 6])), /residual has shape \[1,6,40,6\], the output \[1,6,6,40\]/);
  });

  it("NaN passes through the activation as in the js kernels; a bias of another shape goes to js", () => {
    const x = new Tensor(Float32Array.from([NaN, 1, 2, 3]), [1, 2, 2, 1]);
    const w = new Tensor(Float32Array.from([1, -1]), [1, 1, 1, 2]);
    for (const act of acts)
      assertClose(native.conv2dBiasActivation(x, w, null, act, p([1, 1], [0, 0, 0, 0])), jsKernels.conv2dBiasActivation(x, w, null, act, p([1, 1], [0, 0, 0, 0])));
    // Enough pixels and channels for full GEMM micro-kernel tiles (the epilogue in registers) and edge tiles
    // (72 channels: the padded bias), on every ISA: NaN, +-Infinity and values past 6 in some pixels.
    const xd = Float32Array.from(rand([1, 6, 9, 24], 4).data() as Float32Array);
    xd.set([NaN, Infinity, -Infinity, 50, -50], 24 * 5);
    xd[24 * 30 + 3] = NaN;
    const xs = new Tensor(xd, [1, 6, 9, 24]);
    // The direct kernels (40 outputs, and 3 input channels) and depthwise apply it as they store, too.
    const x3 = new Tensor(Float32Array.from(xd.subarray(0, 6 * 9 * 3)), [1, 6, 9, 3]);
    const same = p([1, 1], [1, 1, 1, 1]);
    const convs: [Tensor, Tensor, Conv2dParams][] = [
      [xs, rand([1, 1, 24, 72]), p([1, 1], [0, 0, 0, 0])],
      [xs, rand([1, 1, 24, 40]), p([1, 1], [0, 0, 0, 0])],
      [x3, rand([3, 3, 3, 20]), same],
    ];
    for (const act of acts)
      eachNativeSetting(addon!, (m) => {
        for (const [x, w, q] of convs) {
          const b = rand([w.shape[3]], 2);
          assertClose(native.conv2dBiasActivation(x, w, b, act, q), jsKernels.conv2dBiasActivation(x, w, b, act, q), { rtol: 1e-4, atol: 1e-4, msg: `${m} ${act} w${w.shape}` });
        }
        const wd = rand([3, 3, 24, 1]);
        const bd = rand([24], 2);
        assertClose(native.depthwiseConv2dBiasActivation(xs, wd, bd, act, same), jsKernels.depthwiseConv2dBiasActivation(xs, wd, bd, act, same), { rtol: 1e-4, atol: 1e-4, msg: `${m} ${act} depthwise` });
      }, { threads: [1, 2] });
    const b2 = new Tensor(Float32Array.from([1, 2]), [1, 2]);
    assertClose(native.conv2dBiasActivation(x, w, b2, "relu", p([1, 1], [0, 0, 0, 0])), jsKernels.conv2dBiasActivation(x, w, b2, "relu", p([1, 1], [0, 0, 0, 0])));
  });
});

describe("fused conv epilogue into given storage (the inference plan's recycled activations)", () => {
  const backends = addon ? [["js", jsKernels], ["native", createNativeBackend(addon).kernels]] as const : [["js", jsKernels]] as const;
  // Every output element is written: storage full of NaN (a recycled activation) gives the fresh result.
  const cases: { x: number[]; w: number[]; p: Conv2dParams; dw: boolean }[] = [
    { x: [1, 16, 16, 3], w: [3, 3, 3, 8], p: p([2, 2], [0, 1, 0, 1]), dw: false },
    { x: [1, 7, 7, 24], w: [1, 1, 24, 40], p: p([1, 1], [0, 0, 0, 0]), dw: false },
    { x: [2, 9, 8, 13], w: [3, 3, 13, 21], p: p([1, 1], [1, 1, 1, 1]), dw: false },
    { x: [1, 10, 10, 19], w: [3, 3, 19, 1], p: p([1, 1], [1, 1, 1, 1]), dw: true },
    { x: [1, 11, 11, 16], w: [3, 3, 16, 1], p: p([2, 2], [0, 1, 0, 1]), dw: true },
  ];
  for (const [name, k] of backends)
    for (const c of cases)
      it(`${name} ${c.dw ? "depthwise" : "conv2d"} x${JSON.stringify(c.x)} w${JSON.stringify(c.w)}`, () => {
        const x = rand(c.x, 2);
        const w = rand(c.w);
        const b = rand([c.dw ? c.w[2] * c.w[3] : c.w[3]], 1);
        const f = c.dw ? k.depthwiseConv2dBiasActivation.bind(k) : k.conv2dBiasActivation.bind(k);
        for (const act of acts) {
          const want = f(x, w, b, act, c.p);
          const out = new Float32Array(want.size).fill(NaN);
          const got = f(x, w, b, act, c.p, out);
          assert.equal(got.values, out, "the result lives in the given storage");
          assert.deepEqual(got.shape, want.shape);
          assert.deepEqual([...got.values], [...want.values], act);
        }
        assert.throws(() => f(x, w, b, "relu", c.p, new Float32Array(3)), /out holds 3 Float32Array values, the output needs \d+/);
      });
});

describe("native conv2dBiasActivation with a filter prepared once (packConv2dFilter)", { skip }, () => {
  const native = addon ? createNativeBackend(addon).kernels : jsKernels;
  // The GEMM (pointwise, im2col, strided), Winograd (many tiles; 32-47 tiles, which only a prepared filter
  // takes; under 32 the GEMM, as the filter read from memory dominates), and the direct kernel (nothing to prepare).
  const cases: { x: number[]; w: number[]; p: Conv2dParams; prepared: boolean; winograd: boolean }[] = [
    { x: [1, 14, 14, 40], w: [1, 1, 40, 70], p: p([1, 1], [0, 0, 0, 0]), prepared: true, winograd: false },
    { x: [2, 9, 9, 24], w: [3, 3, 24, 20], p: p([2, 2], [1, 1, 1, 1]), prepared: true, winograd: false },
    { x: [2, 16, 16, 32], w: [3, 3, 32, 48], p: p([1, 1], [1, 1, 1, 1]), prepared: true, winograd: true },
    { x: [2, 8, 8, 64], w: [3, 3, 64, 32], p: p([1, 1], [1, 1, 1, 1]), prepared: true, winograd: true },
    { x: [1, 7, 7, 64], w: [3, 3, 64, 32], p: p([1, 1], [1, 1, 1, 1]), prepared: true, winograd: false },
    { x: [1, 12, 12, 3], w: [3, 3, 3, 16], p: p([1, 1], [1, 1, 1, 1]), prepared: false, winograd: false },
  ];
  for (const c of cases)
    it(`x${JSON.stringify(c.x)} w${JSON.stringify(c.w)}`, () => {
      const x = rand(c.x, 2);
      const w = rand(c.w);
      const b = rand([c.w[3]], 1);
      const want = jsKernels.conv2dBiasActivation(x, w, b, "relu", c.p);
      eachNativeSetting(addon!, (m) => {
        const packed = native.packConv2dFilter(x.shape, w, c.p);
        assert.equal(packed !== null, c.prepared, m);
        const before = addon!.info().winogradCalls;
        for (let r = 0; r < 2; r++)
          assertClose(native.conv2dBiasActivation(x, w, b, "relu", c.p, undefined, packed), want, { rtol: 1e-4, atol: 1e-4, msg: `${m} run ${r}` });
        if (process.env.DEEPTS_WINOGRAD !== "0") assert.equal(addon!.info().winogradCalls - before, c.winograd ? 2 : 0, `${m} Winograd`);
      }, { threads: [1, 2] });
    });

  it("ignores a filter prepared for another path or instruction set (and still computes the right thing)", () => {
    const x = rand([2, 16, 16, 32], 2);
    const w = rand([3, 3, 32, 48]);
    const same = p([1, 1], [1, 1, 1, 1]);
    const forWinograd = native.packConv2dFilter(x.shape, w, same)!;
    const strided = p([2, 2], [1, 1, 1, 1]);
    assertClose(native.conv2dBiasActivation(x, w, null, "linear", strided, undefined, forWinograd), jsKernels.conv2d(x, w, strided), { rtol: 1e-4, atol: 1e-4 });
    const forGemm = native.packConv2dFilter(x.shape, w, strided)!;
    assertClose(native.conv2dBiasActivation(x, w, null, "linear", same, undefined, forGemm), jsKernels.conv2d(x, w, same), { rtol: 1e-4, atol: 1e-4 });
    const { isa, isas } = addon!.info();
    const other = isas.find((i) => i !== isa);
    if (other) {
      eachNativeSetting(addon!, () => {
        assertClose(native.conv2dBiasActivation(x, w, null, "linear", strided, undefined, forGemm), jsKernels.conv2d(x, w, strided), { rtol: 1e-4, atol: 1e-4 });
      }, { isas: [other], threads: [2] });
    }
    assert.throws(() => native.conv2dBiasActivation(x, w, null, "linear", same, undefined, new Float32Array(4) as unknown as ArrayBuffer), /argument 6 must be an ArrayBuffer/);
  });
});
