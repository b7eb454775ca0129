import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Generator, Tensor, add, randomUniform } from "../../src/index.js";
import { jsKernels } from "../../src/backends/js/index.js";
import { createNativeBackend, nativeAddon, nativeError } from "../../src/backends/native/index.js";
import { assertClose } from "../helpers/assert.js";
import { eachNativeSetting } from "../helpers/native.js";

const addon = nativeAddon();
const skip = addon ? false : `native addon not built: ${nativeError()}`;
const native = addon ? createNativeBackend(addon).kernels : jsKernels;
const gen = new Generator(9);
const rand = (shape: number[], lo = -1, hi = 1): Tensor => randomUniform(shape, { minval: lo, maxval: hi, seed: gen });

/** 1, 2 and 3 threads (3: uneven partitions) on the active instruction set, restoring the pool size. */
const eachThreads = (f: (label: string) => void) => eachNativeSetting(addon!, f, { isas: "current" });

// Odd sizes, both channel positions, and sizes above the threading threshold (64K elements).
const CASES: { x: number[]; axis: number }[] = [
  { x: [2, 3, 5, 7], axis: 3 },
  { x: [2, 3, 5, 7], axis: 1 },
  { x: [1, 1], axis: 0 },
  { x: [37], axis: 0 },
  { x: [5, 1, 9], axis: 1 },
  { x: [4, 33, 35, 19], axis: 3 },
  { x: [3, 17, 41, 43], axis: 1 },
  { x: [700, 131], axis: 1 },
  { x: [2, 3, 1100], axis: 2 },
  { x: [3, 2, 12000], axis: 1 },
];

describe("native batch normalization against the js kernels", { skip }, () => {
  for (const { x: shape, axis } of CASES) {
    it(`train, backprop and inference: x${JSON.stringify(shape)} axis ${axis}`, () => {
      const c = shape[axis];
      // An offset far from zero: the one-pass (shifted) moments must not cancel.
      const x = add(rand(shape, -2, 3), 40);
      const dy = rand(shape);
      const scale = rand([c], 0.5, 1.5);
      const offset = rand([c]);
      const dmean = rand([c]);
      const dvar = rand([c]);
      const tol = { rtol: 2e-4, atol: 5e-5 };
      eachThreads((t) => {
        for (const [s, o] of [[scale, offset], [null, null], [scale, null]] as const) {
          const tag = `${t} scale ${s !== null} offset ${o !== null}`;
          const a = native.batchNormTrain(x, axis, s, o, 1e-3);
          const b = jsKernels.batchNormTrain(x, axis, s, o, 1e-3);
          assertClose(a.mean, b.mean, { rtol: 1e-6, msg: `${tag} mean` });
          assertClose(a.variance, b.variance, { ...tol, msg: `${tag} variance` });
          assertClose(a.invStd, b.invStd, { ...tol, msg: `${tag} invStd` });
          assertClose(a.y, b.y, { ...tol, msg: `${tag} y` });
          for (const [dm, dv] of [[null, null], [dmean, dvar]] as const) {
            const ga = native.batchNormBackprop(dy, x, axis, b.mean, b.invStd, s, dm, dv);
            const gb = jsKernels.batchNormBackprop(dy, x, axis, b.mean, b.invStd, s, dm, dv);
            const m = `${tag} dmean/dvariance ${dm !== null}`;
            assertClose(ga.dx, gb.dx, { ...tol, msg: `${m} dx` });
            assertClose(ga.dscale, gb.dscale, { rtol: 1e-4, atol: 1e-3, msg: `${m} dscale` });
            assertClose(ga.doffset, gb.doffset, { rtol: 1e-4, atol: 1e-3, msg: `${m} doffset` });
          }
          const ya = native.batchNormInference(x, axis, b.mean, b.variance, s, o, 1e-3);
          assertClose(ya, jsKernels.batchNormInference(x, axis, b.mean, b.variance, s, o, 1e-3), { ...tol, msg: `${tag} inference` });
        }
      });
    });
  }

  it("keeps the variance accurate when the first sample (the one-pass shift) lies far out", () => {
    for (const [shape, axis] of [[[4096, 4], 1], [[4, 4096], 0]] as const) {
      const v = Float32Array.from({ length: 4 * 4096 }, (_, i) => 1000 + 2 * Math.sin(i * 12.9898));
      for (let j = 0; j < 4; j++) v[axis === 1 ? j : j * 4096] = 0;
      const x = new Tensor(v, [...shape], "float32");
      eachThreads((t) => {
        const a = native.batchNormTrain(x, axis, null, null, 1e-3);
        const b = jsKernels.batchNormTrain(x, axis, null, null, 1e-3);
        assertClose(a.mean, b.mean, { rtol: 1e-6, msg: `${t} mean` });
        assertClose(a.variance, b.variance, { rtol: 1e-5, msg: `${t} variance` });
      });
    }
  });

  it("handles empty batches and float64 (through the js kernels)", () => {
    const e = native.batchNormTrain(new Tensor(new Float32Array(0), [0, 3], "float32"), 1, null, null, 1e-3);
    assert.deepEqual([...e.y.shape], [0, 3]);
    assert.ok([...e.mean.values].every(Number.isNaN), "mean of nothing is NaN");
    const g = native.batchNormBackprop(
      new Tensor(new Float32Array(0), [0, 3], "float32"), new Tensor(new Float32Array(0), [0, 3], "float32"), 1,
      e.mean, e.invStd, null, null, null,
    );
    assert.deepEqual([...g.doffset.values], [0, 0, 0]);
    const x = randomUniform([4, 3], { seed: 1, dtype: "float64" });
    const r = native.batchNormTrain(x, 1, null, null, 1e-3);
    assert.equal(r.y.dtype, "float64");
    assertClose(r.y, jsKernels.batchNormTrain(x, 1, null, null, 1e-3).y, { rtol: 0, atol: 0 });
  });

  it("rejects buffers of the wrong size", () => {
    const a = addon as unknown as { batchNormInference: (...args: unknown[]) => void };
    const f = new Float32Array(6);
    assert.throws(() => a.batchNormInference(f, new Float32Array(2), new Float32Array(3), null, null, f, 2, 3, 1, 1e-3), /mean has 2 elements, expected 3/);
  });
});

describe("native batch normalization and pooling write every output element (outputs are not zeroed first)", { skip }, () => {
  // The kernels receive uninitialized storage (src/backends/native/alloc.ts): NaN-filled outputs must come
  // back equal to the kernels' results into fresh, zeroed storage.
  type NormAddon = {
    batchNormTrain(x: Float32Array, y: Float32Array, m: Float32Array, v: Float32Array, s: Float32Array, g: Float32Array | null, b: Float32Array | null, outer: number, c: number, inner: number, eps: number, relu: boolean): void;
    batchNormBackprop(dy: Float32Array, x: Float32Array, m: Float32Array, s: Float32Array, g: Float32Array | null, dm: Float32Array | null, dv: Float32Array | null, dx: Float32Array, dg: Float32Array, db: Float32Array, outer: number, c: number, inner: number, relu: boolean, off: Float32Array | null, dxSum: Float32Array | null): void;
    batchNormInference(x: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array | null, b: Float32Array | null, y: Float32Array, outer: number, c: number, inner: number, eps: number): void;
    maxPool2d(x: Float32Array, out: Float32Array, geom: Int32Array): void;
    avgPool2d(x: Float32Array, out: Float32Array, geom: Int32Array): void;
  };
  const f32 = (t: Tensor) => t.values as Float32Array;
  it("batchNormTrain (plain and relu), batchNormBackprop (plain and relu-masked), batchNormInference", () => {
    const a = addon as unknown as NormAddon;
    for (const [outer, c, inner] of [[64, 19, 1], [3, 17, 41], [700, 131, 1]]) {
      const n = outer * c * inner;
      const x = f32(rand([n]));
      const dy = f32(rand([n]));
      const g = f32(rand([c], 0.5, 1.5));
      const b = f32(rand([c]));
      eachThreads((label) => {
        for (const relu of [false, true]) {
          const run = (fill: number) => {
            const y = new Float32Array(n).fill(fill), m = new Float32Array(c), v = new Float32Array(c), s = new Float32Array(c);
            a.batchNormTrain(x, y, m, v, s, g, b, outer, c, inner, 1e-3, relu);
            const dx = new Float32Array(n).fill(fill), dg = new Float32Array(c), db = new Float32Array(c);
            a.batchNormBackprop(dy, x, m, s, g, null, null, dx, dg, db, outer, c, inner, relu, relu ? b : null, null);
            const yi = new Float32Array(n).fill(fill);
            a.batchNormInference(x, m, v, g, b, yi, outer, c, inner, 1e-3);
            return [y, dx, yi];
          };
          const fresh = run(0);
          const dirty = run(NaN);
          fresh.forEach((want, i) => assert.deepEqual(dirty[i], want, `${label} [${outer}, ${c}, ${inner}] relu ${relu} output ${i}`));
        }
      });
    }
  });

  it("maxPool2d and avgPool2d (clipped windows, strides, padding)", () => {
    const a = addon as unknown as NormAddon;
    for (const [n, h, w, c, kh, kw, sh, sw, pt, pb, pl, pr] of [[2, 9, 7, 5, 2, 2, 2, 2, 0, 1, 0, 1], [1, 12, 12, 16, 3, 3, 2, 2, 1, 1, 1, 1], [3, 5, 6, 3, 3, 2, 1, 1, 1, 1, 0, 1]]) {
      const x = f32(rand([n * h * w * c]));
      const oh = Math.floor((h + pt + pb - kh) / sh) + 1, ow = Math.floor((w + pl + pr - kw) / sw) + 1;
      const geom = Int32Array.from([n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl]);
      for (const op of ["maxPool2d", "avgPool2d"] as const)
        eachThreads((label) => {
          const fresh = new Float32Array(n * oh * ow * c);
          const dirty = new Float32Array(n * oh * ow * c).fill(NaN);
          a[op](x, fresh, geom);
          a[op](x, dirty, geom);
          assert.deepEqual(dirty, fresh, `${label} ${op}`);
        });
    }
  });
});
