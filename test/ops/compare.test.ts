import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Shape, type Tensor, equal, grads, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, logicalOr,
  logicalXor, mul, notEqual, randomUniform, sum, tensor, where,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend, on } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

const bools = (t: Tensor) => {
  assert.equal(t.dtype, "bool");
  return [...t.values].map((v) => v === 1);
};
const rand = (shape: Shape, seed: number) => randomUniform(shape, { seed, minval: -2, maxval: 2, dtype: "float64" });

forEachBackend("compare", (backend) => {
  const test = (name: string, f: () => void): void => {
    it(name, () => on(backend, f));
  };

  test("comparisons give bool, with broadcasting and NaN", () => {
    const a = tensor([1, 2, 3, NaN]);
    const b = tensor([3, 2, 1, NaN]);
    assert.deepEqual(bools(equal(a, b)), [false, true, false, false]);
    assert.deepEqual(bools(notEqual(a, b)), [true, false, true, true]);
    assert.deepEqual(bools(less(a, b)), [true, false, false, false]);
    assert.deepEqual(bools(lessEqual(a, b)), [true, true, false, false]);
    assert.deepEqual(bools(greater(a, b)), [false, false, true, false]);
    assert.deepEqual(bools(greaterEqual(a, b)), [false, true, true, false]);
    const g = greater(tensor([[1], [3]]), tensor([0, 2, 4]));
    assert.deepEqual(g.shape, [2, 3]);
    assert.deepEqual(bools(g), [true, false, false, true, true, false]);
    assert.deepEqual(bools(less(tensor([-Infinity, Infinity]), 0)), [true, false]);
  });

  test("comparisons across dtypes promote (int32 against a float literal)", () => {
    const i = tensor([1, 2, 3], [3], "int32");
    assert.deepEqual(bools(greater(i, 1.5)), [false, true, true]);
    assert.deepEqual(bools(equal(i, tensor([1, 0, 3]))), [true, false, true]);
    assert.deepEqual(bools(equal(tensor([true, false]), tensor([true, true]))), [true, false]);
    assert.throws(() => less(tensor([1, 2]), tensor([1, 2, 3])), /less: shapes \[2\] and \[3\] cannot be broadcast/);
  });

  test("logical ops on bool tensors, with broadcasting", () => {
    const a = tensor([true, true, false, false]);
    const b = tensor([true, false, true, false]);
    assert.deepEqual(bools(logicalAnd(a, b)), [true, false, false, false]);
    assert.deepEqual(bools(logicalOr(a, b)), [true, true, true, false]);
    assert.deepEqual(bools(logicalXor(a, b)), [false, true, true, false]);
    assert.deepEqual(bools(logicalNot(a)), [false, false, true, true]);
    assert.deepEqual(bools(logicalAnd(tensor([[true], [false]]), tensor([true, false]))), [true, false, false, false]);
    assert.deepEqual(bools(logicalOr(a, true)), [true, true, true, true]);
    assert.throws(() => logicalAnd(tensor([1, 0]), a), /logicalAnd: expected operands of dtype bool, got float32/);
    assert.throws(() => logicalNot(tensor([1])), /logicalNot: expected an operand of dtype bool, got float32/);
  });

  test("where broadcasts all three", () => {
    const c = tensor([true, false, true]);
    assertClose(where(c, tensor([1, 2, 3]), tensor([10, 20, 30])), [1, 20, 3]);
    assertClose(where(tensor([[true], [false]]), tensor([1, 2]), 0), [[1, 2], [0, 0]]);
    assertClose(where(c, 1, tensor([[7], [8]])), [[1, 7, 1], [1, 8, 1]]);
    const w = where(c, tensor([1, 2, 3], [3], "int32"), 0);
    assert.equal(w.dtype, "int32");
    assert.deepEqual([...w.values], [1, 0, 3]);
    assertClose(where(c, tensor([NaN, NaN, NaN]), 5), [NaN, 5, NaN]);
    assert.throws(() => where(tensor([1, 0]), 1, 2), /where: expected a condition of dtype bool, got float32/);
    assert.throws(() => where(c, tensor([1, 2]), 0), /where: shapes \[3\] and \[2\] cannot be broadcast/);
  });

  test("where routes the gradient by the condition and unbroadcasts it", () => {
    const c = tensor([[true, false, true], [false, false, true]]);
    const [da, db] = grads((a, b) => sum(mul(where(c, a, b), tensor([[1, 2, 3], [4, 5, 6]]))))(tensor([1, 1, 1]), tensor([[2], [2]]));
    assertClose(da, [1, 0, 9]);
    assertClose(db, [[2], [9]]);
  });

  test("where gradient matches finite differences on several shapes", () => {
    const cases: [Shape, Shape, Shape][] = [[[4], [4], [4]], [[2, 3], [3], [2, 1]], [[3, 1], [1, 5], []], [[1], [2, 3], [3]]];
    cases.forEach(([sc, sa, sb], k) => {
      const c = greater(randomUniform(sc, { seed: 50 + k }), 0.5);
      checkGrad((a, b) => where(c, a, b), [rand(sa, 60 + k), rand(sb, 70 + k)], { name: `where ${JSON.stringify([sc, sa, sb])}` });
    });
  });

  test("comparisons are not differentiated", () => {
    const [da] = grads((a) => sum(where(greater(a, 0), a, mul(a, 0))))(tensor([-1, 2]));
    assertClose(da, [0, 1]);
  });
});
