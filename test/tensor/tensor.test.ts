import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tensor, add, broadcastShapes, scalar, tensor, zeros } from "../../src/index.js";

describe("Tensor", () => {
  it("data() is a copy in row-major order; values is the shared storage", () => {
    const t = tensor([[1, 2], [3, 4]]);
    const d = t.data();
    assert.ok(d instanceof Float32Array);
    assert.deepEqual([...d], [1, 2, 3, 4]);
    d[0] = 99;
    assert.equal(t.values[0], 1, "changing data() leaves the tensor alone");
    assert.ok(tensor([1], [1], "int32").data() instanceof Int32Array);
  });

  it("array() nests by shape, with booleans for bool", () => {
    assert.deepEqual(tensor([[1, 2, 3], [4, 5, 6]]).array(), [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(tensor([[true], [false]]).array(), [[true], [false]]);
    assert.equal(scalar(2).array(), 2);
    assert.deepEqual(zeros([2, 0]).array(), [[], []]);
    assert.deepEqual(tensor([1.5, 2.5], [2, 1, 1]).array(), [[[1.5]], [[2.5]]]);
  });

  it("item() returns the single element, or says why not", () => {
    assert.equal(scalar(4).item(), 4);
    assert.equal(tensor([[7]]).item(), 7);
    assert.equal(scalar(true).item(), 1);
    assert.throws(() => tensor([1, 2]).item(), /item: tensor of shape \[2\] has 2 elements, expected 1/);
  });

  it("is immutable in shape and checks its storage", () => {
    const t = tensor([1, 2, 3]);
    assert.throws(() => (t.shape as number[]).push(4), TypeError);
    assert.throws(() => new Tensor(new Float32Array(3), [2, 2]), /3 values do not fill shape \[2, 2\]/);
    assert.throws(() => new Tensor(new Float32Array(2), [2], "int32"), /storage Float32Array does not hold dtype int32/);
    assert.notEqual(tensor([1]).id, tensor([1]).id);
  });
});

describe("broadcastShapes", () => {
  it("follows NumPy's rules", () => {
    assert.deepEqual(broadcastShapes("op", [2, 1, 3], [4, 1]), [2, 4, 3]);
    assert.deepEqual(broadcastShapes("op", [], [3]), [3]);
    assert.deepEqual(broadcastShapes("op", [0, 1], [1, 5]), [0, 5]);
    assert.deepEqual(broadcastShapes("op", [5, 4], [1]), [5, 4]);
  });

  it("errors name the op, both shapes and the dimension", () => {
    assert.throws(() => broadcastShapes("add", [2, 3], [4, 3]), /add: shapes \[2, 3\] and \[4, 3\] cannot be broadcast together \(dimension 0: 2 vs 4\)/);
    assert.throws(() => add(zeros([2, 3]), zeros([3, 2])), /add: shapes \[2, 3\] and \[3, 2\] cannot be broadcast together/);
  });
});
