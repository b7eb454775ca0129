import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Tensor, arange, eye, full, fullLike, linspace, ones, onesLike, scalar, tensor, toTensor, Variable, zeros, zerosLike,
} from "../../src/index.js";

const vals = (t: Tensor) => [...t.data()];

describe("tensor creation", () => {
  it("infers shape and dtype from nested arrays", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float32");
    assert.equal(t.rank, 2);
    assert.equal(t.size, 6);
    assert.deepEqual(vals(t), [1, 2, 3, 4, 5, 6]);
    assert.equal(tensor([[true], [false]]).dtype, "bool");
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(tensor([[], []]).shape, [2, 0]);
    assert.deepEqual(tensor(5).shape, []);
  });

  it("takes typed arrays as they are, with an optional shape", () => {
    const f = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(f, [3, 2]);
    assert.equal(t.dtype, "float64");
    assert.deepEqual(t.shape, [3, 2]);
    assert.equal(t.values, f, "storage is shared, not copied");
    assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.equal(tensor(new Uint8Array([1, 0])).dtype, "bool");
    assert.equal(tensor(new Float32Array(3)).dtype, "float32");
  });

  it("converts to a requested dtype (int32 truncates toward zero, bool is nonzero)", () => {
    assert.deepEqual(vals(tensor([1.7, -1.7, 2.5], [3], "int32")), [1, -1, 2]);
    assert.deepEqual(vals(tensor([0, 0.5, -2], undefined, "bool")), [0, 1, 1]);
    assert.deepEqual(vals(tensor(new Float32Array([2.9, -0.5]), [2], "int32")), [2, 0]);
    assert.deepEqual(tensor([1, 2, 3, 4], [2, 2]).array(), [[1, 2], [3, 4]]);
  });

  it("rejects ragged arrays, wrong sizes and unknown dtypes with clear messages", () => {
    assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array at data\[1\]: expected length 2, got 1/);
    assert.throws(() => tensor([[1, 2], 3] as never), /ragged nested array at data\[1\]: expected length 2, got a scalar/);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), /tensor: 3 values do not fill shape \[2, 2\] \(4 elements\)/);
    assert.throws(() => tensor(new Float32Array(5), [2, 3]), /5 values do not fill shape \[2, 3\]/);
    assert.throws(() => tensor([1], [1], "float16" as never), /unknown dtype "float16"/);
    assert.throws(() => zeros([2, -1]), /zeros|full: invalid shape \[2, -1\]/);
    assert.throws(() => toTensor("abc" as never, "add"), /add: cannot convert argument to a tensor: tensor: expected numbers or booleans, got string/);
    assert.throws(() => tensor([1, null] as never), /expected numbers or booleans, got object at data\[1\]/);
  });

  it("scalar, zeros, ones, full and the *Like variants", () => {
    assert.equal(scalar(2.5).item(), 2.5);
    assert.equal(scalar(true).dtype, "bool");
    assert.equal(scalar(3, "int32").dtype, "int32");
    assert.deepEqual(vals(zeros([2, 2])), [0, 0, 0, 0]);
    assert.deepEqual(vals(ones([3], "int32")), [1, 1, 1]);
    assert.equal(ones([3], "int32").dtype, "int32");
    assert.deepEqual(full([2], 7).array(), [7, 7]);
    assert.deepEqual(full([2], true).array(), [true, true]);
    assert.deepEqual(zeros([0, 4]).shape, [0, 4]);
    const b = tensor([[1, 2]], undefined, "float64");
    assert.equal(zerosLike(b).dtype, "float64");
    assert.deepEqual(onesLike(b).array(), [[1, 1]]);
    assert.deepEqual(fullLike(b, -3).array(), [[-3, -3]]);
  });

  it("arange like NumPy: int32 for integers, float32 otherwise, exclusive stop, negative steps", () => {
    assert.deepEqual(vals(arange(5)), [0, 1, 2, 3, 4]);
    assert.equal(arange(5).dtype, "int32");
    assert.deepEqual(vals(arange(2, 8, 3)), [2, 5]);
    assert.deepEqual(vals(arange(5, 0, -2)), [5, 3, 1]);
    assert.deepEqual(vals(arange(0, 1, 0.25)), [0, 0.25, 0.5, 0.75]);
    assert.equal(arange(0, 1, 0.25).dtype, "float32");
    assert.deepEqual(arange(3, 3).shape, [0]);
    assert.deepEqual(arange(3, 0).shape, [0]);
    assert.equal(arange(3, undefined, 1, "float64").dtype, "float64");
    assert.throws(() => arange(0, 5, 0), /arange: step must not be 0/);
  });

  it("linspace includes both ends; eye has ones on the diagonal", () => {
    assert.deepEqual(vals(linspace(0, 1, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(vals(linspace(2, 3, 1)), [2]);
    assert.deepEqual(linspace(0, 1, 0).shape, [0]);
    const l = linspace(0, 0.3, 4, "float64");
    assert.equal(l.values[3], 0.3, "the stop value is exact");
    assert.throws(() => linspace(0, 1, -1), /linspace: num must be a non-negative integer/);
    assert.deepEqual(eye(2).array(), [[1, 0], [0, 1]]);
    assert.deepEqual(eye(2, 3, "int32").array(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(eye(3, 1).array(), [[1], [0], [0]]);
  });

  it("toTensor gives plain numbers the other operand's dtype and reads variables", () => {
    assert.equal(toTensor(2, "op", "float64").dtype, "float64");
    assert.equal(toTensor(2, "op", "int32").dtype, "int32");
    assert.equal(toTensor(2.5, "op", "int32").dtype, "float32");
    assert.equal(toTensor(2, "op", "bool").dtype, "float32");
    assert.equal(toTensor(true).dtype, "bool");
    const v = new Variable(tensor([1, 2]));
    assert.deepEqual(toTensor(v).array(), [1, 2]);
  });
});
