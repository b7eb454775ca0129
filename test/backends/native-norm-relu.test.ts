// The relu-fused batch-norm kernels (batchNormTrain's activation, batchNormBackprop's reluOutput and dxSum):
// the js reference against the unfused kernels, and the native kernels against the js reference.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, Tensor, add, randomUniform } from "../../src/index.js";
import type { Kernels } from "../../src/backends/backend.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { channelView } from "../../src/backends/js/norm.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(17);
const rand = (shape: number[], lo = -1, hi = 1, dtype: "float32" | "float64" = "float32"): Tensor =>
  randomUniform(shape, { minval: lo, maxval: hi, seed: gen, dtype });

// Odd sizes, both channel positions, sizes above the threading threshold (64K elements).
const CASES: { x: number[]; axis: number }[] = [
  { x: [2, 3, 5, 7], axis: 3 },
  { x: [2, 3, 5, 7], axis: 1 },
  { x: [37], axis: 0 },
  { x: [5, 1, 9], axis: 1 },
  { x: [4, 33, 35, 19], axis: 3 },
  { x: [3, 17, 41, 43], axis: 1 },
  { x: [700, 131], axis: 1 },
  { x: [3, 2, 12000], axis: 1 },
];

const relu = (t: Tensor): Tensor => {
  const v = t.values.slice();
  for (let i = 0; i < v.length; i++) v[i] = v[i] > 0 ? v[i] : v[i] === v[i] ? 0 : v[i];
  return new Tensor(v, t.shape, t.dtype);
};
const masked = (dy: Tensor, y: Tensor): Tensor => {
  const v = dy.values.slice();
  for (let i = 0; i < v.length; i++) v[i] = y.values[i] > 0 ? v[i] : 0;
  return new Tensor(v, dy.shape, dy.dtype);
};
/** Per-channel sums of t in float64, and of |t| (the scale of their rounding). */
function channelSums(t: Tensor, axis: number): { sum: number[]; abs: number[] } {
  const [outer, c, inner] = channelView(t.shape, axis);
  const sum = new Array<number>(c).fill(0);
  const abs = new Array<number>(c).fill(0);
  for (let o = 0, i = 0; o < outer; o++)
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < inner; j++, i++) {
        sum[ch] += t.values[i];
        abs[ch] += Math.abs(t.values[i]);
      }
  return { sum, abs };
}
function assertChannelSums(got: Tensor | undefined, dx: Tensor, axis: number, msg: string): void {
  assert.ok(got, `${msg}: dxSum missing`);
  const { sum, abs } = channelSums(dx, axis);
  const eps = dx.dtype === "float32" ? 1e-6 : 1e-13;
  sum.forEach((s, ch) => assert.ok(Math.abs(got.values[ch] - s) <= eps * (abs[ch] + 1), `${msg}: dxSum[${ch}] ${got.values[ch]} != ${s}`));
}

/**
 * The relu-fused train and backprop of kernels `k` against the js reference, under every argument combination: the
 * forward against js's, the backward against js's plain backprop of dy masked by k's own forward output.
 */
function compareBoth(k: Kernels, shape: number[], axis: number, dtype: "float32" | "float64", tag: string): void {
  const c = shape[axis];
  // A mean off zero (the one-pass shift) and an offset that puts part of each channel below zero.
  const x = add(rand(shape, -2, 3, dtype), 5);
  const dy = rand(shape, -1, 1, dtype);
  const scale = rand([c], 0.5, 1.5, dtype);
  const offset = rand([c], -0.5, 0.5, dtype);
  const dmean = rand([c], -1, 1, dtype);
  const dvar = rand([c], -1, 1, dtype);
  const tol = dtype === "float32" ? { rtol: 2e-4, atol: 5e-5 } : { rtol: 1e-10, atol: 1e-12 };
  for (const [s, o] of [[scale, offset], [null, null], [scale, null]] as const) {
    const m = `${tag} scale ${s !== null} offset ${o !== null}`;
    const a = k.batchNormTrain(x, axis, s, o, 1e-3, "relu");
    const b = jsKernels.batchNormTrain(x, axis, s, o, 1e-3, "relu");
    assertClose(a.y, b.y, { ...tol, msg: `${m} y` });
    assertClose(a.mean, b.mean, { ...tol, msg: `${m} mean` });
    assertClose(a.invStd, b.invStd, { ...tol, msg: `${m} invStd` });
    const zeros = [...a.y.values].filter((v) => v === 0).length;
    // (One element per channel normalizes to 0: all zeros.)
    if (x.size > c) assert.ok(zeros > 0 && zeros < a.y.size, `${m}: the case should have both signs (${zeros} zeros of ${a.y.size})`);
    for (const [dm, dv] of [[null, null], [dmean, dvar]] as const) {
      const mm = `${m} dmean/dvariance ${dm !== null}`;
      // The mask is k's own forward's (recomputed from x, exactly): the reference gets dy masked by a.y.
      const ga = k.batchNormBackprop(dy, x, axis, a.mean, a.invStd, s, dm, dv, { relu: { offset: o }, dxSum: true });
      const gb = jsKernels.batchNormBackprop(masked(dy, a.y), x, axis, a.mean, a.invStd, s, dm, dv);
      assertClose(ga.dx, gb.dx, { ...tol, msg: `${mm} dx` });
      assertClose(ga.dscale, gb.dscale, { rtol: 1e-4, atol: 1e-3, msg: `${mm} dscale` });
      assertClose(ga.doffset, gb.doffset, { rtol: 1e-4, atol: 1e-3, msg: `${mm} doffset` });
      assertChannelSums(ga.dxSum, ga.dx, axis, `${mm} native dxSum`);
      // Without the relu mask, and dxSum alone.
      const pa = k.batchNormBackprop(dy, x, axis, b.mean, b.invStd, s, dm, dv, { dxSum: true });
      const pb = jsKernels.batchNormBackprop(dy, x, axis, b.mean, b.invStd, s, dm, dv);
      assertClose(pa.dx, pb.dx, { ...tol, msg: `${mm} unmasked dx` });
      assertChannelSums(pa.dxSum, pa.dx, axis, `${mm} unmasked dxSum`);
    }
  }
}

describe("relu-fused batch-norm kernels: the js reference", () => {
  for (const dtype of ["float32", "float64"] as const)
    it(`equals the plain kernels followed by relu, and masked dy, exactly (${dtype})`, () => {
      for (const { x: shape, axis } of CASES.slice(0, 5)) {
        const c = shape[axis];
        const x = add(rand(shape, -2, 3, dtype), 5);
        const dy = rand(shape, -1, 1, dtype);
        const scale = rand([c], 0.5, 1.5, dtype);
        const offset = rand([c], -0.5, 0.5, dtype);
        const plain = jsKernels.batchNormTrain(x, axis, scale, offset, 1e-3);
        const fused = jsKernels.batchNormTrain(x, axis, scale, offset, 1e-3, "relu");
        assertClose(fused.y, relu(plain.y), { rtol: 0, atol: 0, msg: `${shape} y` });
        assert.deepEqual([...fused.mean.values], [...plain.mean.values]);
        assert.deepEqual([...fused.variance.values], [...plain.variance.values]);
        const g = jsKernels.batchNormBackprop(dy, x, axis, fused.mean, fused.invStd, scale, null, null, { relu: { offset }, dxSum: true });
        const want = jsKernels.batchNormBackprop(masked(dy, fused.y), x, axis, plain.mean, plain.invStd, scale, null, null);
        assertClose(g.dx, want.dx, { rtol: 0, atol: 0, msg: `${shape} dx` });
        assertClose(g.dscale, want.dscale, { rtol: 0, atol: 0, msg: `${shape} dscale` });
        assertClose(g.doffset, want.doffset, { rtol: 0, atol: 0, msg: `${shape} doffset` });
        assertChannelSums(g.dxSum, g.dx, axis, `${shape} dxSum`);
        assert.equal(want.dxSum, undefined, "no dxSum unless asked");
      }
    });

  it("keeps NaN through the relu", () => {
    const x = new Tensor(Float32Array.from([1, NaN, 3, 4]), [4, 1], "float32");
    const r = jsKernels.batchNormTrain(x, 1, null, null, 1e-3, "relu");
    assert.ok(r.y.values.every(Number.isNaN), "a NaN in the batch makes every output NaN");
  });
});

describe("relu-fused batch-norm kernels: native against js", { skip }, () => {
  for (const { x: shape, axis } of CASES)
    it(`x${JSON.stringify(shape)} axis ${axis}, 1-3 threads`, () => {
      eachNativeSetting(addon!, (t) => compareBoth(native, shape, axis, "float32", t), { isas: "current" });
    });

  it("falls back to js for float64 and keeps the options", () => {
    compareBoth(native, [3, 4, 5], 2, "float64", "float64");
  });

  it("keeps NaN in the fused relu as the relu op", () => {
    const x = new Tensor(Float32Array.from([1, 2, 3, 4, -1, 2, -3, 4]), [4, 2], "float32");
    const r = native.batchNormTrain(x, 1, null, new Tensor(Float32Array.from([0, NaN]), [2], "float32"), 1e-3, "relu");
    const v = [...r.y.values];
    assert.ok(v.filter((_, i) => i % 2 === 1).every(Number.isNaN), `NaN channel: ${v}`);
    assert.ok(v.filter((_, i) => i % 2 === 0).every((e) => e >= 0), `relu channel: ${v}`);
  });

  it("rejects a relu offset or dxSum buffer of the wrong size", () => {
    const a = addon as unknown as { batchNormBackprop: (...args: unknown[]) => void };
    const f = (n: number) => new Float32Array(n);
    const call = (o: Float32Array | null, s: Float32Array | null) =>
      a.batchNormBackprop(f(6), f(6), f(3), f(3), null, null, null, f(6), f(3), f(3), 2, 3, 1, true, o, s);
    assert.throws(() => call(f(5), null), /reluOffset has 5 elements, expected 3/);
    assert.throws(() => call(null, f(2)), /dxSum has 2 elements, expected 3/);
    call(f(3), f(3));
  });

  it("the mask is the forward's own output sign, exactly, also for values a rounding away from 0", () => {
    // A channel whose normalized values land on and right around 0 (offset = -(x - mean) * invStd for one x).
    const x = new Tensor(Float32Array.from({ length: 64 }, (_, i) => (i % 8) + 0.1 * Math.sin(i)), [64, 1], "float32");
    const pre = native.batchNormTrain(x, 1, null, null, 1e-3);
    for (const i of [3, 17, 40]) {
      const off = new Tensor(Float32Array.from([-pre.y.values[i]]), [1], "float32");
      const f = native.batchNormTrain(x, 1, null, off, 1e-3, "relu");
      const dy = new Tensor(new Float32Array(64).fill(1), [64, 1], "float32");
      const g = native.batchNormBackprop(dy, x, 1, f.mean, f.invStd, null, null, null, { relu: { offset: off } });
      const want = jsKernels.batchNormBackprop(masked(dy, f.y), x, 1, f.mean, f.invStd, null, null, null);
      assertClose(g.dx, want.dx, { rtol: 1e-5, atol: 1e-6, msg: `element ${i}` });
    }
  });
});
