import assert from "node:assert/strict";
import { it } from "node:test";
import { GradientTape, type Tensor, add, batchNorm, grad, grads, mul, randomUniform, relu, reshape, square, sum } from "../../src/index.js";
import { batchNormRelu } from "../../src/ops/batch-norm-relu.js";
import { conv2dBiasActivation } from "../../src/ops/conv-fused.js";
import { fusedNorm } from "../../src/ops/norm-fused.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { withKernelSpies } from "../helpers/spy.js";

type DT = "float32" | "float64";
type BnRelu = (x: Tensor, opts?: Parameters<typeof batchNorm>[1]) => ReturnType<typeof batchNorm>;
const rand = (shape: number[], seed: number, lo = -1, hi = 1, dtype: DT = "float64") =>
  randomUniform(shape, { seed, minval: lo, maxval: hi, dtype });

/** Counts the relu-fused kernel calls (train with "relu", backprop with relu, dxSum asked) and rank-4 reductions over 3 axes (a conv bias gradient) while f runs. */
function countFused(f: () => void): { train: number; backprop: number; dxSum: number; reduce: number } {
  const n = { train: 0, backprop: 0, dxSum: 0, reduce: 0 };
  withKernelSpies({
    batchNormTrain: (...a) => void (n.train += a[5] === "relu" ? 1 : 0),
    batchNormBackprop: (...a) => void ((n.backprop += a[8]?.relu ? 1 : 0), (n.dxSum += a[8]?.dxSum ? 1 : 0)),
    reduce: (...a) => void (n.reduce += a[1].rank === 4 && a[2].length === 3 ? 1 : 0),
  }, f);
  return n;
}

/** relu(batchNorm(x)) as two ops, for reference. */
function unfused(x: Tensor, opts?: Parameters<typeof batchNorm>[1]) {
  const r = batchNorm(x, opts);
  return { ...r, output: relu(r.output) };
}

const CASES = [
  { x: [4, 3, 5, 6], axis: 3, scale: true, offset: true },
  { x: [3, 7, 2, 5], axis: 1, scale: true, offset: false },
  { x: [5, 4], axis: -1, scale: false, offset: true },
  { x: [2, 3, 5], axis: 0, scale: false, offset: false },
];

forEachBackend("batchNormRelu: against relu(batchNorm(x))", () => {
  for (const c of CASES)
    it(`output, moments and every gradient: x${JSON.stringify(c.x)} axis ${c.axis} scale ${c.scale} offset ${c.offset}`, () => {
      for (const [dtype, tol] of [["float64", { rtol: 1e-10, atol: 1e-12 }], ["float32", { rtol: 2e-4, atol: 2e-5 }]] as const) {
        const x = rand(c.x, 1, -2, 3, dtype);
        const ch = c.axis < 0 ? c.axis + c.x.length : c.axis;
        const nc = c.x[ch];
        const bshape = c.x.map((d, i) => (i === ch ? d : 1));
        const s = rand([nc], 2, 0.5, 1.5, dtype);
        const o = rand([nc], 3, -0.5, 0.5, dtype);
        const w = rand(c.x, 4, 0.5, 1.5, dtype);
        const run = (bnr: BnRelu) => {
          const f = (xx: Tensor, ss: Tensor, oo: Tensor) => {
            const r = bnr(xx, { axis: c.axis, scale: c.scale ? ss : null, offset: c.offset ? oo : null, epsilon: 1e-3 });
            // Every output used, so dmean and dvariance reach the rule.
            const extra = add(mul(reshape(r.mean, bshape), 0.7), mul(reshape(r.variance, bshape), 1.3));
            return sum(mul(add(r.output, extra), w));
          };
          const r = bnr(x, { axis: c.axis, scale: c.scale ? s : null, offset: c.offset ? o : null, epsilon: 1e-3 });
          return [r.output, r.mean, r.variance, ...grads(f)(x, s, o)];
        };
        let got: Tensor[] = [];
        const n = countFused(() => (got = run(batchNormRelu)));
        assert.deepEqual([n.train, n.backprop], [2, 1], `fused kernels taken (${JSON.stringify(n)})`);
        const want = run(unfused);
        const names = ["output", "mean", "variance", "dx", "dscale", "doffset"];
        got.forEach((t, i) => assertClose(t, want[i], { ...tol, msg: `${dtype} ${names[i]}` }));
        assert.ok([...got[0].values].some((v) => v === 0) && [...got[0].values].some((v) => v > 0), "both relu branches");
      }
    });

  it("falls back to relu(batchNorm) when the fused kernels are switched off", () => {
    const x = rand([3, 4, 5], 10, -2, 2);
    const s = rand([5], 11, 0.5, 1.5);
    fusedNorm.enabled = false;
    try {
      let r: ReturnType<BnRelu> | undefined;
      const n = countFused(() => (r = batchNormRelu(x, { scale: s })));
      assert.equal(n.train, 0);
      assertClose(r!.output, unfused(x, { scale: s }).output, { rtol: 0, atol: 0 });
    } finally {
      fusedNorm.enabled = true;
    }
  });

  it("leaves the per-channel sums of dx for a conv bias before it (no reduction of the conv output gradient)", () => {
    const x = rand([2, 6, 5, 3], 20, -1, 1, "float32");
    const wk = rand([3, 3, 3, 4], 21, -0.5, 0.5, "float32");
    const b = rand([4], 22, -0.5, 0.5, "float32");
    const g = rand([4], 23, 0.5, 1.5, "float32");
    const w = rand([2, 4, 3, 4], 24, 0.5, 1.5, "float32");
    const f = (bnr: BnRelu) => (xx: Tensor, kk: Tensor, bb: Tensor) =>
      sum(mul(bnr(conv2dBiasActivation(xx, kk, bb, "linear", {}), { axis: 3, scale: g }).output, w));
    let got: Tensor[] = [];
    const n = countFused(() => (got = grads(f(batchNormRelu))(x, wk, b)));
    assert.deepEqual([n.backprop, n.dxSum, n.reduce], [1, 1, 0], `the memo replaced the reduction (${JSON.stringify(n)})`);
    const want = grads(f(unfused))(x, wk, b);
    assertClose(got[0], want[0], { rtol: 2e-4, atol: 2e-5, msg: "dx" });
    assertClose(got[1], want[1], { rtol: 2e-4, atol: 2e-5, msg: "dkernel" });
    // The bias gradient of a conv before a batch norm is 0 up to rounding, either way.
    assertClose(got[2], want[2], { rtol: 0, atol: 1e-5, msg: "dbias" });
  });
});

forEachBackend("batchNormRelu: gradient checks", () => {
  it("float64 central differences: channels last and first, with and without scale and offset", () => {
    checkGrad((x, s, o) => batchNormRelu(x, { scale: s, offset: o }).output, [rand([3, 5, 4], 30), rand([4], 31, 0.5, 1.5), rand([4], 32, -0.3, 0.3)], {
      name: "batchNormRelu last",
    });
    checkGrad((x) => {
      const r = batchNormRelu(x, { axis: 1 });
      return add(r.output, mul(reshape(r.variance, [1, 3, 1]), 2));
    }, [rand([2, 3, 7], 33)], { name: "batchNormRelu first" });
  });

  it("second-order gradients (the ops rule under a recording tape) match relu(batchNorm)'s and finite differences", () => {
    const w = rand([4, 3, 2], 40, 0.5, 1.5);
    const inner = (bnr: BnRelu) => (x: Tensor, s: Tensor) =>
      sum(mul(square(bnr(x, { axis: 1, scale: s, offset: s }).output), w));
    const args = [rand([4, 3, 2], 41), rand([3], 42, 0.5, 1.5)];
    checkGrad((x, s) => grads(inner(batchNormRelu))(x, s)[0], args, { name: "grad of grad (x)", rtol: 1e-4, atol: 1e-6 });
    checkGrad((x, s) => grads(inner(batchNormRelu))(x, s)[1], args, { name: "grad of grad (scale)", rtol: 1e-4, atol: 1e-6 });
    const tape = new GradientTape({ persistent: true });
    const [x, s] = args;
    tape.watch(x);
    const recorded = tape.run(() => grad((xx) => inner(batchNormRelu)(xx, s))(x));
    assertClose(recorded, grad((xx) => inner(unfused)(xx, s))(x), { rtol: 1e-10, atol: 1e-12 });
    assertClose(tape.gradient(sum(square(recorded)), x), (() => {
      const t2 = new GradientTape();
      t2.watch(x);
      const r = t2.run(() => grad((xx) => inner(unfused)(xx, s))(x));
      return t2.gradient(sum(square(r)), x);
    })(), { rtol: 1e-8, atol: 1e-10 });
  });
});
