import assert from "node:assert/strict";
import { it } from "node:test";
import {
  BatchNormalization, GradientTape, type Tensor, add, batchNorm, batchNormalization, grad, grads, layerNorm, mul, randomUniform, reshape,
  square, sum,
} from "../../src/index.js";
import { fusedNorm } from "../../src/ops/norm-fused.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { withKernelSpies } from "../helpers/spy.js";

type DT = "float32" | "float64";
const rand = (shape: number[], seed: number, lo = -1, hi = 1, dtype: DT = "float64") =>
  randomUniform(shape, { seed, minval: lo, maxval: hi, dtype });

/** Runs f with the fused paths off (the composites), restoring the switch. */
function composite<T>(f: () => T): T {
  fusedNorm.enabled = false;
  try {
    return f();
  } finally {
    fusedNorm.enabled = true;
  }
}

/** Counts calls of the fused kernels while f runs (so a test knows which path it took). */
function countKernels(f: () => void): { train: number; backprop: number; inference: number } {
  const n = { train: 0, backprop: 0, inference: 0 };
  withKernelSpies({ batchNormTrain: () => void n.train++, batchNormBackprop: () => void n.backprop++, batchNormInference: () => void n.inference++ }, f);
  return n;
}

interface Case {
  x: number[];
  axis: number;
  scale: boolean;
  offset: boolean;
}
const CASES: Case[] = [
  { x: [4, 3, 5, 6], axis: 3, scale: true, offset: true },
  { x: [3, 7, 2, 5], axis: 1, scale: true, offset: false },
  { x: [5, 4], axis: -1, scale: false, offset: true },
  { x: [2, 3, 5], axis: 0, scale: false, offset: false },
  { x: [9, 1, 3], axis: 1, scale: true, offset: true },
];

/** Output, moments and every gradient of a loss that uses all three outputs. */
function run(c: Case, dtype: DT, seed: number): Tensor[] {
  const x = rand(c.x, seed, -2, 3, dtype);
  const ch = c.axis < 0 ? c.axis + c.x.length : c.axis;
  const nc = c.x[ch];
  const s = rand([nc], seed + 1, 0.5, 1.5, dtype);
  const o = rand([nc], seed + 2, -1, 1, dtype);
  const w = rand(c.x, seed + 3, 0.5, 1.5, dtype);
  const bshape = c.x.map((d, i) => (i === ch ? d : 1));
  const f = (xx: Tensor, ss: Tensor, oo: Tensor) => {
    const r = batchNorm(xx, { axis: c.axis, scale: c.scale ? ss : null, offset: c.offset ? oo : null, epsilon: 1e-3 });
    const extra = add(mul(reshape(r.mean, bshape), 0.7), mul(reshape(r.variance, bshape), 1.3));
    return sum(mul(add(r.output, extra), w));
  };
  const r = batchNorm(x, { axis: c.axis, scale: c.scale ? s : null, offset: c.offset ? o : null, epsilon: 1e-3 });
  return [r.output, r.mean, r.variance, ...grads(f)(x, s, o)];
}

forEachBackend("norm (fused): against the composites", () => {
  for (const c of CASES) {
    it(`batchNorm forward, moments and gradients: x${JSON.stringify(c.x)} axis ${c.axis} scale ${c.scale} offset ${c.offset}`, () => {
      const names = ["output", "mean", "variance", "dx", "dscale", "doffset"];
      for (const [dtype, tol] of [["float64", { rtol: 1e-10, atol: 1e-10 }], ["float32", { rtol: 2e-4, atol: 2e-5 }]] as const) {
        let fused: Tensor[] = [];
        const n = countKernels(() => (fused = run(c, dtype, 11)));
        assert.ok(n.train >= 2 && n.backprop === 1, `fused path taken (${JSON.stringify(n)})`);
        const ref = composite(() => run(c, dtype, 11));
        fused.forEach((t, i) => {
          assert.equal(t.dtype, dtype);
          assertClose(t, ref[i], { ...tol, msg: `${dtype} ${names[i]}` });
        });
      }
    });
  }

  it("batchNormalization with per-channel statistics (any layout) runs fused and matches the composite", () => {
    const x = rand([3, 4, 5], 20, -2, 2, "float32");
    const layouts: [Tensor, Tensor, Tensor | null, Tensor | null][] = [
      [rand([5], 21, -1, 1, "float32"), rand([5], 22, 0.2, 2, "float32"), rand([5], 23, -1, 1, "float32"), rand([5], 24, 0.5, 1.5, "float32")],
      [rand([4, 1], 25, -1, 1, "float32"), rand([1, 4, 1], 26, 0.2, 2, "float32"), null, rand([4, 1], 27, 0.5, 1.5, "float32")],
      [rand([3, 1, 1], 28, -1, 1, "float32"), rand([1], 29, 0.2, 2, "float32"), rand([3, 1, 1], 30, -1, 1, "float32"), null],
    ];
    for (const [i, [m, v, o, s]] of layouts.entries()) {
      let y: Tensor | undefined;
      const n = countKernels(() => (y = batchNormalization(x, m, v, o, s, 1e-3)));
      assert.equal(n.inference, 1, `layout ${i}: fused`);
      assertClose(y!, composite(() => batchNormalization(x, m, v, o, s, 1e-3)), { rtol: 1e-5, atol: 1e-6, msg: `layout ${i}` });
    }
    // Statistics varying along two axes are not per-channel: the composite handles them.
    const n = countKernels(() => batchNormalization(x, rand([4, 5], 31, -1, 1, "float32"), 1));
    assert.equal(n.inference, 0);
  });

  it("batchNormalization's fused-path gradients (all five inputs) match the composite's", () => {
    const x = rand([2, 3, 4, 2], 40);
    const args = [x, rand([3, 1, 1], 41), rand([3, 1, 1], 42, 0.2, 2), rand([3, 1, 1], 43), rand([3, 1, 1], 44, 0.5, 1.5)];
    const w = rand([2, 3, 4, 2], 45);
    const f = (...a: Tensor[]) => sum(mul(batchNormalization(a[0], a[1], a[2], a[3], a[4], 1e-3), w));
    const fused = grads(f)(...args);
    const ref = composite(() => grads(f)(...args));
    fused.forEach((g, i) => assertClose(g, ref[i], { rtol: 1e-10, atol: 1e-12, msg: `input ${i}` }));
  });
});

forEachBackend("norm (fused): layerNorm", () => {
  it("trailing axes run fused and match the composite (output and every gradient); other axes keep the composite", () => {
    const cases: { x: number[]; axes: number | number[]; p: number[] | null; fused: boolean }[] = [
      { x: [4, 7], axes: -1, p: [7], fused: true },
      { x: [2, 3, 5], axes: [1, 2], p: [1, 3, 5], fused: true },
      { x: [3, 6], axes: -1, p: null, fused: true },
      { x: [2, 4, 3], axes: 1, p: [4], fused: false },
    ];
    for (const [i, c] of cases.entries()) {
      const x = rand(c.x, 80 + i, -2, 3);
      const s = c.p ? rand(c.p, 90 + i, 0.5, 1.5) : null;
      const o = c.p ? rand(c.p, 100 + i) : null;
      const w = rand(c.x, 110 + i);
      const f = (...a: Tensor[]) => sum(mul(layerNorm(a[0], { axes: c.axes, scale: a[1] ?? null, offset: a[2] ?? null, epsilon: 1e-3 }), w));
      const args = s && o ? [x, s, o] : [x];
      let fused: Tensor[] = [];
      const n = countKernels(() => (fused = [layerNorm(x, { axes: c.axes, scale: s, offset: o }), ...grads(f)(...args)]));
      assert.equal(n.train > 0, c.fused, `case ${i}: fused path ${JSON.stringify(n)}`);
      const ref = composite(() => [layerNorm(x, { axes: c.axes, scale: s, offset: o }), ...grads(f)(...args)]);
      fused.forEach((t, k) => assertClose(t, ref[k], { rtol: 1e-10, atol: 1e-10, msg: `case ${i} result ${k}` }));
    }
  });
});

forEachBackend("norm (fused): the BatchNormalization layer", () => {
  it("training and inference calls (channels last and first) match the composite, moving statistics included", () => {
    for (const [shape, axis] of [[[6, 5, 4, 3], -1], [[4, 3, 5, 2], 1]] as const) {
      const x = rand([...shape], 70, -1, 3, "float32");
      const dy = rand([...shape], 71, -1, 1, "float32");
      const runLayer = () => {
        const bn = new BatchNormalization({ axis, momentum: 0.8 });
        bn.maybeBuild([...shape]);
        const c = shape[axis < 0 ? axis + shape.length : axis];
        bn.gamma!.assign(rand([c], 72, 0.5, 1.5, "float32"));
        bn.beta!.assign(rand([c], 73, -1, 1, "float32"));
        const tape = new GradientTape();
        tape.watch(x);
        const y = tape.run(() => bn.apply(x, { training: true }) as Tensor);
        const g = tape.gradient(y, [x, bn.gamma!, bn.beta!], { outputGradients: dy });
        const inference = bn.apply(x, { training: false }) as Tensor;
        return [y, ...g, bn.movingMean!.value, bn.movingVariance!.value, inference];
      };
      let fused: Tensor[] = [];
      const n = countKernels(() => (fused = runLayer()));
      assert.deepEqual(n, { train: 1, backprop: 1, inference: 1 });
      const ref = composite(runLayer);
      const names = ["y", "dx", "dgamma", "dbeta", "movingMean", "movingVariance", "inference"];
      fused.forEach((t, i) => assertClose(t, ref[i], { rtol: 2e-4, atol: 2e-5, msg: `axis ${axis} ${names[i]}` }));
    }
  });
});

forEachBackend("norm (fused): gradient checks", () => {
  const both = (x: Tensor, r: { output: Tensor; mean: Tensor; variance: Tensor }, shape: number[]) =>
    add(r.output, add(reshape(r.mean, shape), mul(reshape(r.variance, shape), 2)));
  it("batchNorm with scale and offset, channels last, all three outputs used", () => {
    checkGrad((x, s, o) => both(x, batchNorm(x, { scale: s, offset: o }), [1, 1, 4]), [rand([3, 5, 4], 50), rand([4], 51, 0.5, 1.5), rand([4], 52)], {
      name: "batchNorm last",
    });
  });
  it("batchNorm with scale null and offset null, channels first, odd sizes", () => {
    checkGrad((x, o) => batchNorm(x, { axis: 1, offset: o }).output, [rand([3, 5, 3, 1], 53), rand([5], 54)], { name: "batchNorm scale null" });
    checkGrad((x, s) => both(x, batchNorm(x, { axis: 1, scale: s }), [1, 3, 1]), [rand([2, 3, 7], 55), rand([3], 56, 0.5, 1.5)], {
      name: "batchNorm offset null",
    });
    checkGrad((x) => batchNorm(x, { axis: 0 }).output, [rand([2, 5], 57)], { name: "batchNorm no params" });
  });
  it("second-order gradients through batchNorm (ops gradient under a recording tape)", () => {
    const w = rand([4, 3, 2], 60, 0.5, 1.5);
    // d/dx of sum(w * batchNorm(x)^2) with scale: differentiable again in x and the scale.
    const inner = (x: Tensor, s: Tensor) => sum(mul(square(batchNorm(x, { axis: 1, scale: s, offset: s }).output), w));
    const args = [rand([4, 3, 2], 61), rand([3], 62, 0.5, 1.5)];
    checkGrad((x, s) => grads(inner)(x, s)[0], args, { name: "grad of grad (x)", rtol: 1e-4, atol: 1e-6 });
    checkGrad((x, s) => grads(inner)(x, s)[1], args, { name: "grad of grad (scale)", rtol: 1e-4, atol: 1e-6 });
    // The ops gradient (under an outer recording tape) equals the fused kernel's.
    const tape = new GradientTape({ persistent: true });
    const [x] = args;
    tape.watch(x);
    const recorded = tape.run(() => grad((xx) => inner(xx, args[1]))(x));
    assertClose(recorded, grad((xx) => inner(xx, args[1]))(x), { rtol: 1e-10, atol: 1e-12 });
  });
});
