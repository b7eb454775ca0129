import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Generator, randomUniform, tensor, type Tensor } from "../../src/index.js";
import type { Conv2dParams } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(23);
const rand = (shape: number[]): Tensor => randomUniform(shape, { minval: -1, maxval: 1, seed: gen });

/** Runs `f` on every instruction set the CPU supports, with 1 and 2 threads. */
const eachIsaAndThreads = (f: (what: string) => void) => eachNativeSetting(addon!, f, { threads: [1, 2] });

function outSize(n: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((n + p0 + p1 - (k - 1) * d - 1) / s) + 1;
}

const p = (strides: [number, number], dilations: [number, number], pads: [number, number, number, number]): Conv2dParams => ({
  strides,
  dilations,
  pads,
});

// Channel counts that hit every vector block (32, 16, 8) and scalar tails; rows wide enough for the
// 4-pixel inner tiles and narrow enough to be all edge; strides 1-3, dilations, asymmetric pads,
// filters larger than the fast path takes (9x9 = 81 taps), multiplier 2 (the plain loops).
const cases: { x: number[]; w: number[]; p: Conv2dParams }[] = [
  { x: [1, 12, 13, 1], w: [3, 3, 1, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  { x: [2, 9, 11, 2], w: [3, 3, 2, 1], p: p([2, 2], [1, 1], [0, 1, 0, 1]) },
  { x: [1, 10, 17, 3], w: [5, 5, 3, 1], p: p([1, 1], [1, 1], [2, 2, 2, 2]) },
  { x: [3, 8, 9, 5], w: [3, 2, 5, 1], p: p([1, 3], [1, 1], [1, 0, 2, 1]) },
  { x: [1, 14, 14, 40], w: [3, 3, 40, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  { x: [1, 15, 15, 57], w: [3, 3, 57, 1], p: p([2, 2], [1, 1], [0, 0, 0, 0]) },
  { x: [2, 7, 7, 96], w: [3, 3, 96, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  { x: [1, 11, 12, 24], w: [3, 3, 24, 1], p: p([2, 1], [2, 2], [2, 1, 3, 2]) },
  { x: [1, 13, 10, 17], w: [2, 3, 17, 1], p: p([3, 2], [1, 2], [0, 2, 1, 0]) },
  { x: [2, 5, 6, 33], w: [1, 1, 33, 1], p: p([1, 1], [1, 1], [0, 0, 0, 0]) },
  { x: [1, 4, 3, 8], w: [3, 3, 8, 1], p: p([1, 1], [1, 1], [2, 2, 2, 2]) },
  { x: [1, 12, 12, 9], w: [9, 9, 9, 1], p: p([1, 1], [1, 1], [4, 4, 4, 4]) },
  { x: [2, 9, 8, 6], w: [3, 3, 6, 2], p: p([2, 1], [1, 1], [1, 1, 0, 1]) },
  { x: [1, 20, 37, 16], w: [3, 3, 16, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  // Stride 1 with fewer or more output rows than input rows (the fused backprop splits both), dilation,
  // odd channels, multiplier 3 at stride 1.
  { x: [2, 9, 10, 12], w: [3, 3, 12, 1], p: p([1, 1], [1, 1], [0, 0, 0, 0]) },
  { x: [1, 9, 11, 20], w: [3, 3, 20, 1], p: p([1, 1], [2, 2], [2, 2, 2, 2]) },
  { x: [3, 6, 7, 13], w: [3, 3, 13, 1], p: p([1, 1], [1, 1], [1, 0, 0, 1]) },
  { x: [1, 7, 8, 5], w: [3, 3, 5, 3], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  { x: [4, 16, 16, 36], w: [3, 3, 36, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  // From the first loop-kernel tests: multiplier 2 strided, a 5x3 filter with mixed dilation and wide pads,
  // a 2x2 filter with multiplier 3 and pads larger than the filter.
  { x: [2, 7, 9, 5], w: [3, 3, 5, 1], p: p([1, 1], [1, 1], [1, 1, 1, 1]) },
  { x: [1, 10, 11, 3], w: [3, 3, 3, 2], p: p([2, 2], [1, 1], [0, 1, 1, 1]) },
  { x: [2, 9, 9, 17], w: [5, 3, 17, 1], p: p([1, 2], [2, 1], [4, 3, 1, 2]) },
  { x: [1, 8, 8, 32], w: [3, 3, 32, 1], p: p([2, 2], [1, 1], [0, 0, 0, 0]) },
  { x: [3, 6, 5, 4], w: [2, 2, 4, 3], p: p([3, 1], [1, 2], [2, 0, 0, 3]) },
];

describe("native depthwise conv (depthwise.cc) against the js kernels", { skip }, () => {
  for (const c of cases) {
    it(`forward and both backprops: x${JSON.stringify(c.x)} w${JSON.stringify(c.w)} ${JSON.stringify(c.p)}`, () => {
      const x = rand(c.x);
      const w = rand(c.w);
      const oh = outSize(c.x[1], c.w[0], c.p.strides[0], c.p.dilations[0], c.p.pads[0], c.p.pads[1]);
      const ow = outSize(c.x[2], c.w[1], c.p.strides[1], c.p.dilations[1], c.p.pads[2], c.p.pads[3]);
      const dy = rand([c.x[0], oh, ow, c.w[2] * c.w[3]]);
      const want = [
        jsKernels.depthwiseConv2d(x, w, c.p),
        jsKernels.depthwiseConv2dBackpropInput(dy, w, x.shape, c.p),
        jsKernels.depthwiseConv2dBackpropFilter(x, dy, w.shape, c.p),
      ];
      const tol = { rtol: 1e-4, atol: 1e-4 * Math.sqrt(c.x[0] * oh * ow) };
      eachIsaAndThreads((m) => {
        assertClose(native.depthwiseConv2d(x, w, c.p), want[0], { ...tol, msg: `${m} forward` });
        assertClose(native.depthwiseConv2dBackpropInput(dy, w, x.shape, c.p), want[1], { ...tol, msg: `${m} backprop input` });
        assertClose(native.depthwiseConv2dBackpropFilter(x, dy, w.shape, c.p), want[2], { ...tol, msg: `${m} backprop filter` });
        const [dx, dw] = native.depthwiseConv2dBackprop(x, dy, w, c.p);
        assertClose(dx, want[1], { ...tol, msg: `${m} fused backprop: dx` });
        assertClose(dw, want[2], { ...tol, msg: `${m} fused backprop: dw` });
      });
    });
  }
});

// The threads claim chunks of rows dynamically; the filter gradient keeps one partial sum per chunk, so the
// result does not depend on which thread ran which chunk.
describe("native depthwise filter gradients are deterministic", { skip }, () => {
  it("gives bit-identical dW on repeated calls with 2 and 3 threads", () => {
    const x = rand([4, 16, 16, 36]);
    const w = rand([3, 3, 36, 1]);
    const dy = rand([4, 16, 16, 36]);
    const q = p([1, 1], [1, 1], [1, 1, 1, 1]);
    eachNativeSetting(addon!, (label) => {
      const first = [native.depthwiseConv2dBackpropFilter(x, dy, w.shape, q), native.depthwiseConv2dBackprop(x, dy, w, q)[1]];
      for (let r = 0; r < 6; r++) {
        assert.deepEqual(native.depthwiseConv2dBackpropFilter(x, dy, w.shape, q).values, first[0].values, `${label} filter gradient`);
        assert.deepEqual(native.depthwiseConv2dBackprop(x, dy, w, q)[1].values, first[1].values, `${label} one-pass dW`);
      }
    }, { isas: "current", threads: [2, 3] });
  });
});

// The op wrappers hand the forward and input-gradient kernels uninitialized buffers (native/alloc.ts): every
// output element must be written, whatever the geometry (all-padding windows, edges, tails).
describe("native depthwise conv writes every output element", { skip }, () => {
  type Raw = (a: Float32Array, b: Float32Array, out: Float32Array, geom: Int32Array) => void;
  type RawBoth = (x: Float32Array, dy: Float32Array, w: Float32Array, dx: Float32Array, dw: Float32Array, geom: Int32Array) => void;
  const raw = addon as unknown as { depthwiseConv2d: Raw; depthwiseConv2dBackpropInput: Raw; depthwiseConv2dBackprop: RawBoth };
  for (const c of cases) {
    it(`into a NaN-filled output: x${JSON.stringify(c.x)} w${JSON.stringify(c.w)} ${JSON.stringify(c.p)}`, () => {
      const [n, h, wd, ch] = c.x;
      const [kh, kw, , m] = c.w;
      const oh = outSize(h, kh, c.p.strides[0], c.p.dilations[0], c.p.pads[0], c.p.pads[1]);
      const ow = outSize(wd, kw, c.p.strides[1], c.p.dilations[1], c.p.pads[2], c.p.pads[3]);
      const geom = Int32Array.from([n, h, wd, ch, kh, kw, oh, ow, ...c.p.strides, ...c.p.dilations, c.p.pads[0], c.p.pads[2], m]);
      const x = rand(c.x);
      const w = rand(c.w);
      const dy = rand([n, oh, ow, ch * m]);
      const want = [
        jsKernels.depthwiseConv2d(x, w, c.p),
        jsKernels.depthwiseConv2dBackpropInput(dy, w, x.shape, c.p),
        jsKernels.depthwiseConv2dBackpropFilter(x, dy, w.shape, c.p),
      ];
      const tol = { rtol: 1e-4, atol: 1e-4 * Math.sqrt(n * oh * ow) };
      eachIsaAndThreads((label) => {
        const y = new Float32Array(n * oh * ow * ch * m).fill(NaN);
        raw.depthwiseConv2d(x.values as Float32Array, w.values as Float32Array, y, geom);
        assertClose(tensor(y, want[0].shape), want[0], { ...tol, msg: `${label} forward` });
        const dx = new Float32Array(n * h * wd * ch).fill(NaN);
        raw.depthwiseConv2dBackpropInput(dy.values as Float32Array, w.values as Float32Array, dx, geom);
        assertClose(tensor(dx, want[1].shape), want[1], { ...tol, msg: `${label} backprop input` });
        const dx2 = new Float32Array(n * h * wd * ch).fill(NaN);
        const dw2 = new Float32Array(kh * kw * ch * m).fill(NaN);
        raw.depthwiseConv2dBackprop(x.values as Float32Array, dy.values as Float32Array, w.values as Float32Array, dx2, dw2, geom);
        assertClose(tensor(dx2, want[1].shape), want[1], { ...tol, msg: `${label} fused backprop: dx` });
        assertClose(tensor(dw2, want[2].shape), want[2], { ...tol, msg: `${label} fused backprop: dw` });
      });
    });
  }
});

// Large outputs are written with non-temporal stores (native/depthwise.cc); DEEPTS_DW_STREAM_BYTES=0 streams
// every eligible one, so this file run again in a child process checks that path on the same cases.
// DEEPTS_TEST_NO_SPAWN=1 (an emulated run, scripts/aarch64-check.sh, which runs this file with the variable itself).
const noSpawn = process.env.DEEPTS_TEST_NO_SPAWN === "1" && "no child processes (DEEPTS_TEST_NO_SPAWN=1)";
describe("native depthwise conv with streamed outputs", { skip: skip || noSpawn || process.env.DEEPTS_DW_STREAM_BYTES === "0" }, () => {
  it("passes this file's tests with DEEPTS_DW_STREAM_BYTES=0", () => {
    const file = fileURLToPath(import.meta.url);
    // Without NODE_TEST_CONTEXT the child reports in TAP (inside a test run it would talk to this runner).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], {
      env: { ...env, DEEPTS_DW_STREAM_BYTES: "0" },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /# pass [1-9]/);
    assert.match(r.stdout, /# fail 0/);
  });
});
