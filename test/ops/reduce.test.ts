import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Tensor, GradientTape, add, all, any, argmax, argmin, grad, logSumExp, max, mean, min, moments, mul, norm, prod,
  randomNormal, reshape, std, sum, tensor, variance, zeros,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { fromSpec, loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

type Attrs = Record<string, unknown>;
type Ax = number | number[] | null;
const ord = (o: unknown) => (o === "inf" ? Infinity : (o as number | "euclidean" | "fro"));
const OPS: Record<string, (x: Tensor, a: Attrs) => Tensor> = {
  sum: (x, a) => sum(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  mean: (x, a) => mean(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  max: (x, a) => max(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  min: (x, a) => min(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  prod: (x, a) => prod(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  variance: (x, a) => variance(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  std: (x, a) => std(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  logSumExp: (x, a) => logSumExp(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  norm: (x, a) => norm(x, ord(a.ord), a.axis as Ax, { keepDims: !!a.keepDims }),
  argmax: (x, a) => argmax(x, a.axis as number),
  argmin: (x, a) => argmin(x, a.axis as number),
  all: (x, a) => all(x, a.axes as Ax, { keepDims: !!a.keepDims }),
  any: (x, a) => any(x, a.axes as Ax, { keepDims: !!a.keepDims }),
};

const X = tensor([[[0.3, -1.7, 2.2], [1.1, 0.45, -0.9]], [[2.9, -3.6, 0.8], [-0.25, 1.7, 3.3]]]); // [2, 2, 3]
const ODD = randomNormal([3, 5, 7], { seed: 3, dtype: "float64" });

forEachBackend("reductions", () => {
  it("match TensorFlow 2.21 (forward, gradients, dtypes)", () => {
    const file = loadFixtures("tf/reduce");
    assert.ok(file.cases.length >= 30);
    for (const c of file.cases) {
      const f = OPS[c.op];
      assert.ok(f, `no op for fixture ${c.op}`);
      checkCase(c, (ins) => {
        const out = f(ins.x, c.attrs);
        assert.equal(out.dtype, c.output.dtype, `${c.name}: dtype`);
        return out;
      }, { rtol: 2e-5, atol: 2e-5 });
    }
  });

  it("sum/mean/max/min/prod on NumPy-known values, with negative axes and keepDims", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    assertClose(sum(a), tensor(21));
    assertClose(sum(a, -1), [6, 15]);
    assertClose(sum(a, [0], { keepDims: true }), [[5, 7, 9]]);
    assertClose(mean(a, 0), [2.5, 3.5, 4.5]);
    assertClose(max(a, -1, { keepDims: true }), [[3], [6]]);
    assertClose(min(a, 0), [1, 2, 3]);
    assertClose(prod(a, 1), [6, 120]);
    assertClose(prod(a), tensor(720));
    assertClose(variance(a, 1), [2 / 3, 2 / 3]);
    assertClose(std(tensor([2, 4, 4, 4, 5, 5, 7, 9])), tensor(2));
    assertClose(logSumExp(tensor([0, Math.log(3)])), tensor(Math.log(4)), { rtol: 1e-6 });
    assertClose(logSumExp(tensor([[1000, 1000], [-Infinity, -Infinity]]), 1), [1000 + Math.LN2, -Infinity]);
    const m = moments(a, [1], { keepDims: true });
    assertClose(m.mean, [[2], [5]]);
    assertClose(m.variance, [[2 / 3], [2 / 3]]);
    assert.deepEqual([...moments(a, 0).mean.shape], [3]);
  });

  it("reduce int32 and bool as TF does", () => {
    const i = tensor([[3, -1], [7, 7]], undefined, "int32");
    assert.equal(sum(i, 1).dtype, "int32");
    assert.deepEqual([...max(i, 1).data()], [3, 7]);
    assert.deepEqual([...prod(i).data()], [-147]);
    assert.equal(mean(i).dtype, "float32");
    assertClose(variance(i, 0), [4, 16]);
    const b = tensor([[true, false, true], [true, true, true]]);
    assert.deepEqual(all(b, 1).array(), [false, true]);
    assert.deepEqual(any(b, 0).array(), [true, true, true]);
    assert.deepEqual(all(b, 0, { keepDims: true }).shape, [1, 3]);
    assert.deepEqual(any(tensor([0, 0.5]), null).array(), true);
    assert.deepEqual(sum(b).array(), 5);
    assert.throws(() => max(b), /bool.*any/);
  });

  it("argmax/argmin: int32, first index on ties, negative axes, keepDims", () => {
    const a = tensor([[1, 3, 3], [2, 0, 0], [5, 5, 1]]);
    const am = argmax(a, 1);
    assert.equal(am.dtype, "int32");
    assert.deepEqual([...am.data()], [1, 0, 0]);
    assert.deepEqual([...argmin(a, -1).data()], [0, 1, 2]);
    assert.deepEqual([...argmax(a).data()], [2, 2, 0]);
    assert.deepEqual(argmax(a, 0, { keepDims: true }).shape, [1, 3]);
    assert.deepEqual([...argmax(tensor([false, true, true])).data()], [1]);
    assert.throws(() => argmax(tensor(3)), /argmax: expected a tensor of rank >= 1/);
    assert.throws(() => argmax(zeros([2, 0]), 1), /argmax: axis 1 of \[2, 0\] is empty/);
  });

  it("reduce empty dimensions", () => {
    const e = zeros([0, 3]);
    assertClose(sum(e, 0), [0, 0, 0]);
    assertClose(prod(e, 0), [1, 1, 1]);
    assertClose(max(e, 0), [-Infinity, -Infinity, -Infinity]);
    assert.ok(Number.isNaN(mean(e).item()));
    assertClose(logSumExp(e, 0), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(all(e, 0).array(), [true, true, true]);
    assert.deepEqual(any(e, 0).array(), [false, false, false]);
    assert.deepEqual(sum(e, 1).shape, [0]);
    assert.deepEqual([...max(zeros([2, 0], "int32"), 1).data()], [-2147483648, -2147483648]); // as tf.reduce_max
    assert.deepEqual([...min(zeros([0], "int32")).data()], [2147483647]);
  });

  it("norms on known values", () => {
    const v = tensor([3, -4]);
    assertClose(norm(v), tensor(5));
    assertClose(norm(v, 1), tensor(7));
    assertClose(norm(v, Infinity), tensor(4));
    assertClose(norm(tensor([1, 2, 2]), 3), tensor(17 ** (1 / 3)));
    const m = tensor([[1, 2], [3, 4]]);
    assertClose(norm(m, "fro", [0, 1]), tensor(Math.sqrt(30)));
    assertClose(norm(m, 1, [0, 1]), tensor(6));
    assertClose(norm(m, Infinity, [0, 1]), tensor(7));
    assertClose(norm(m, 2, [0, 1]), tensor(5.4649857), { rtol: 1e-6 });
    assertClose(norm(m, 2, [-1, -2]), tensor(5.4649857), { rtol: 1e-6 });
    assertClose(norm(m, "euclidean", 1, { keepDims: true }), [[Math.sqrt(5)], [5]]);
    assertClose(norm(zeros([2, 3]), 2, [0, 1]), tensor(0));
  });

  it("give clear errors for bad axes and orders", () => {
    assert.throws(() => sum(X, 3), /sum: axis 3 is out of range for a tensor of rank 3/);
    assert.throws(() => max(X, [0, -3]), /max: repeated axis/);
    assert.throws(() => norm(X, "fro"), /norm: ord "fro" is not a vector norm/);
    assert.throws(() => norm(X, 2, [0, 1, 2]), /norm: axis must be null, one axis or two axes/);
    assert.throws(() => norm(X, -1, 0), /not a vector norm/);
    assert.throws(() => norm(X, 3, [0, 1]), /not a matrix norm/);
    assert.throws(() => norm(X, 1, [1, -2]), /norm: repeated axis/);
  });

  it("max/min gradients split dy equally among ties", () => {
    const t = tensor([[1, 3, 3, 2], [4, 4, 4, 0]]);
    assertClose(grad((x) => sum(max(x, 1)))(t), [[0, 0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3, 0]]);
    assertClose(grad((x) => sum(min(x, 0)))(t), [[1, 1, 1, 0], [0, 0, 0, 1]]);
    assertClose(grad((x) => max(x))(tensor([7, 7])), [0.5, 0.5]);
  });

  it("prod gradients are exact with zeros, to second order with one zero", () => {
    assertClose(grad((x) => prod(x))(tensor([1, 0, 3, 2])), [0, 6, 0, 0]);
    assertClose(grad((x) => prod(x))(tensor([1, 0, 3, 0])), [0, 0, 0, 0]);
    assertClose(grad((x) => prod(x))(tensor([2, 3, 4])), [12, 8, 6]);
    // d/dx sum(d prod / dx) for [a, 0, c]: the Hessian's row sums, H_ij = prod over k != i, j.
    const h = grad((x) => sum(grad((y) => prod(y))(x)))(tensor([2, 0, 5], undefined, "float64"));
    assertClose(h, [5, 7, 2]);
    checkGrad((x) => prod(x, 1), [tensor([[1.5, 0, -2, 0.5], [0, 0, 3, 1], [1, 2, 3, 4]])], { name: "prod zeros" });
  });

  it("norm gradients at 0 are 0, not NaN", () => {
    for (const o of ["euclidean", 1, Infinity] as const) assertClose(grad((x) => norm(x, o))(zeros([3])), [0, 0, 0]);
    assertClose(grad((x) => norm(x, "fro", [0, 1]))(zeros([2, 2])), [[0, 0], [0, 0]]);
    assertClose(grad((x) => sum(norm(x, "euclidean", 1)))(tensor([[0, 0], [3, 4]])), [[0, 0], [0.6, 0.8]]);
  });

  it("gradients match finite differences", () => {
    const odd = ODD;
    const cases: [string, (x: Tensor) => Tensor, Tensor][] = [
      ["sum", (x) => sum(x, [0, 2]), odd],
      ["sum keepDims", (x) => mul(sum(x, -1, { keepDims: true }), x), odd],
      ["mean", (x) => mean(x, 1), odd],
      ["mean keepDims broadcast", (x) => add(mean(x, [0, -1], { keepDims: true }), x), odd],
      ["max", (x) => max(x, -1), odd],
      ["max keepDims", (x) => mul(max(x, 0, { keepDims: true }), x), odd],
      ["min", (x) => min(x, [0, 1]), odd],
      ["max all", (x) => max(x), X],
      ["prod", (x) => prod(x, 1), X],
      ["prod keepDims", (x) => mul(prod(x, [0, 2], { keepDims: true }), x), X],
      ["variance", (x) => variance(x, [0, 2]), odd],
      ["variance keepDims", (x) => mul(variance(x, 1, { keepDims: true }), x), odd],
      ["std", (x) => std(x, -1), odd],
      ["moments", (x) => { const m = moments(x, 0); return add(mul(m.mean, 2), m.variance); }, odd],
      ["logSumExp", (x) => logSumExp(x, 1), odd],
      ["logSumExp keepDims", (x) => mul(logSumExp(x, null, { keepDims: true }), x), X],
      ["norm", (x) => norm(x), odd],
      ["norm axis", (x) => norm(x, "euclidean", -1), odd],
      ["norm 1", (x) => norm(x, 1, 0), odd],
      ["norm inf", (x) => norm(x, Infinity, 1, { keepDims: true }), odd],
      ["norm p=3", (x) => norm(x, 3, 2), odd],
      ["norm fro", (x) => norm(x, "fro", [0, 2]), odd],
      ["norm mat 1", (x) => norm(x, 1, [1, 2]), odd],
      ["norm mat inf", (x) => norm(x, Infinity, [2, 0]), odd],
      ["norm mat 2", (x) => norm(x, 2, [1, 2]), odd],
      ["norm mat 2 transposed axes", (x) => norm(x, 2, [2, 0], { keepDims: true }), X],
    ];
    for (const [name, f, x] of cases) checkGrad(f, [x], { name, rtol: 1e-5, atol: 1e-7 });
  });

  it("second-order gradients through reductions", () => {
    // d²/dx² of logSumExp summed is softmax's Jacobian row sums: zero.
    const x = tensor([0.3, -1.2, 2.0], undefined, "float64");
    const g2 = grad((t) => sum(grad((u) => logSumExp(u))(t)))(x);
    assertClose(g2, [0, 0, 0], { atol: 1e-12 });
    // norm: d/dx sum(x/|x|) = (1 - x·sum(x)/|x|²)/|x| elementwise.
    const v = tensor([3, 4], undefined, "float64");
    const h = grad((t) => sum(grad((u) => norm(u))(t)))(v);
    assertClose(h, [(1 - (3 * 7) / 25) / 5, (1 - (4 * 7) / 25) / 5]);
    checkGrad((t) => grad((u) => sum(mul(variance(u, 1), variance(u, 1))))(t), [reshape(ODD, [15, 7])], { name: "variance²'" });
    checkGrad((t) => grad((u) => prod(u))(t), [tensor([1.5, -2, 0.7, 3])], { name: "prod''" });
  });

  it("matches the fixtures' gradient shapes via GradientTape too", () => {
    const c = loadFixtures("tf/reduce").cases.find((k) => k.name === "max_ties_rows")!;
    const x = fromSpec(c.inputs.x);
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.run(() => sum(mul(max(x, -1, { keepDims: true }), fromSpec(c.dy!))));
    assertClose(tape.gradient(y, x), fromSpec(c.grads!.x));
  });
});
