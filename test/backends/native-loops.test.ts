import { describe, it } from "node:test";
import { Generator, randomUniform, Tensor } from "../../src/index.js";
import type { BinaryOp, Pool2dParams, ReduceOp, UnaryOp } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(5);
const rand = (shape: number[], lo = -1, hi = 1): Tensor => randomUniform(shape, { minval: lo, maxval: hi, seed: gen });

/** Runs `f` once per instruction set the CPU supports (the loop kernels are compiled per ISA). */
const eachIsa = (f: (isa: string) => void) => eachNativeSetting(addon!, f, { threads: "current" });

describe("native pooling against the js kernels", { skip }, () => {
  const cases: { x: number[]; p: Pool2dParams }[] = [
    { x: [2, 8, 8, 3], p: { windowShape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
    { x: [1, 9, 7, 70], p: { windowShape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
    { x: [3, 5, 6, 5], p: { windowShape: [3, 2], strides: [1, 1], pads: [1, 1, 0, 1] } },
    { x: [1, 4, 4, 2], p: { windowShape: [2, 2], strides: [1, 1], pads: [3, 0, 0, 2] } },
    { x: [1, 6, 6, 130], p: { windowShape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] } },
    // Windows that tile the input (the tiled gradient path), with uncovered rows and columns left over.
    { x: [2, 9, 7, 70], p: { windowShape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
    { x: [3, 6, 10, 5], p: { windowShape: [3, 3], strides: [3, 3], pads: [0, 0, 0, 0] } },
    { x: [2, 5, 5, 9], p: { windowShape: [2, 2], strides: [2, 2], pads: [0, 1, 0, 1] } },
  ];
  for (const c of cases) {
    it(`max and avg, forward and backprop: x${JSON.stringify(c.x)} ${JSON.stringify(c.p)}`, () => {
      // Rounded values make ties, which must route to the first maximum as in the js kernel.
      const x = new Tensor(Float32Array.from(rand(c.x).values, (v) => Math.round(v * 4) / 4), c.x);
      const y = jsKernels.maxPool2d(x, c.p);
      const dy = rand([...y.shape]);
      eachIsa((isa) => {
        assertClose(native.maxPool2d(x, c.p), y, { msg: `${isa} max` });
        assertClose(native.avgPool2d(x, c.p), jsKernels.avgPool2d(x, c.p), { msg: `${isa} avg` });
        assertClose(native.maxPool2dBackprop(dy, x, c.p), jsKernels.maxPool2dBackprop(dy, x, c.p), { msg: `${isa} max backprop` });
        assertClose(native.avgPool2dBackprop(dy, x.shape, c.p), jsKernels.avgPool2dBackprop(dy, x.shape, c.p), { msg: `${isa} avg backprop` });
      });
    });
  }

  it("max pooling propagates NaN", () => {
    const x = new Tensor(Float32Array.from([1, NaN, 3, 4, 5, 6, 7, NaN, 9]), [1, 3, 3, 1]);
    const p: Pool2dParams = { windowShape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] };
    eachIsa((isa) => assertClose(native.maxPool2d(x, p), jsKernels.maxPool2d(x, p), { msg: isa }));
  });
});

describe("native elementwise kernels against the js kernels", { skip }, () => {
  const specials = [0, -0, 1, -1, 0.5, 1e-40, -1e-40, 1e-30, 20, -20, 88.5, 89, -87.5, -104, -110, 1e30, Infinity, -Infinity, NaN];

  it("unary ops on random and special values", () => {
    const ops: UnaryOp[] = ["neg", "abs", "square", "sqrt", "rsqrt", "reciprocal", "exp", "log", "tanh", "sigmoid", "relu", "relu6", "softplus"];
    const x = new Tensor(Float32Array.from([...rand([1000], -12, 12).values, ...specials]), [1000 + specials.length]);
    const big = rand([70001], -30, 30);
    eachIsa((isa) => {
      for (const op of ops) {
        assertClose(native.unary(op, x), jsKernels.unary(op, x), { rtol: 2e-6, atol: 1e-37, msg: `${isa} ${op}` });
        assertClose(native.unary(op, big), jsKernels.unary(op, big), { rtol: 2e-6, atol: 1e-37, msg: `${isa} ${op} (threaded)` });
      }
    });
  });

  it("binary ops with same shapes, scalars and broadcasts", () => {
    const ops: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum"];
    const pairs: [number[], number[]][] = [
      [[7, 13], [7, 13]], [[37], []], [[], [5, 3]], [[4, 5, 6], [6]], [[4, 5, 6], [5, 1]], [[2, 1, 3], [1, 4, 1]],
      [[3, 1, 5, 1], [1, 2, 1, 7]], [[300, 257], [257]], [[65, 1000], [65, 1]], [[1], [1]],
    ];
    eachIsa((isa) => {
      for (const [sa, sb] of pairs) {
        const a = rand(sa);
        const b = rand(sb);
        for (const op of ops)
          assertClose(native.binary(op, a, b), jsKernels.binary(op, a, b), { msg: `${isa} ${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}` });
      }
      const s = new Tensor(Float32Array.from(specials), [specials.length]);
      const r = new Tensor(Float32Array.from([...specials].reverse()), [specials.length]);
      for (const op of ops) assertClose(native.binary(op, s, r), jsKernels.binary(op, s, r), { msg: `${isa} ${op} specials` });
    });
  });

  it("reductions over every axis pattern, with NaN", () => {
    const ops: ReduceOp[] = ["sum", "max", "min"];
    const cases: [number[], number[]][] = [
      [[1000], [0]], [[7, 13], [1]], [[7, 13], [0]], [[7, 13], [0, 1]], [[4, 5, 6], [1]], [[4, 5, 6], [0, 2]],
      [[2, 3, 4, 5], [0, 2]], [[2, 1, 4, 5], [1]], [[3, 200000], [1]], [[2, 3], []], [[60000, 3], [0]],
    ];
    eachIsa((isa) => {
      for (const [shape, axes] of cases) {
        const x = rand(shape);
        for (const op of ops)
          assertClose(native.reduce(op, x, axes), jsKernels.reduce(op, x, axes), { rtol: 1e-5, atol: 1e-4, msg: `${isa} ${op} ${JSON.stringify(shape)} ${JSON.stringify(axes)}` });
      }
      const withNaN = new Tensor(Float32Array.from([1, 2, NaN, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, NaN]), [2, 10]);
      for (const op of ops)
        for (const axes of [[0], [1], [0, 1]])
          assertClose(native.reduce(op, withNaN, axes), jsKernels.reduce(op, withNaN, axes), { msg: `${isa} ${op} NaN ${axes}` });
    });
  });

  it("transposes with every permutation family", () => {
    const cases: [number[], number[]][] = [
      [[5, 7], [1, 0]], [[33, 17], [1, 0]], [[2, 3, 4], [0, 2, 1]], [[2, 3, 4], [2, 0, 1]], [[4, 6, 5, 3], [0, 3, 1, 2]],
      [[4, 3, 6, 5], [0, 2, 3, 1]], [[2, 1, 3, 1, 4], [4, 3, 2, 1, 0]], [[3, 4, 5, 6, 2], [1, 0, 2, 4, 3]], [[6], [0]], [[1, 1], [1, 0]],
      [[300, 200], [1, 0]],
    ];
    for (const [shape, perm] of cases) {
      const x = rand(shape);
      assertClose(native.transpose(x, perm), jsKernels.transpose(x, perm), { rtol: 0, atol: 0, msg: `${JSON.stringify(shape)} ${perm}` });
    }
  });
});
