import assert from "node:assert/strict";
import { it } from "node:test";
import { arange, broadcastTo, expandDims, mul, randomNormal, reshape, squeeze, sum, tensor, zeros } from "../../src/index.js";
import { forEachBackend } from "../helpers/backends.js";
import { checkGrad } from "../helpers/gradcheck.js";

const odd = (...shape: number[]) => randomNormal(shape, { seed: 5, dtype: "float64" });

forEachBackend("reshape, expandDims, squeeze, broadcastTo", () => {
  it("reshape keeps order, infers one -1, shares storage", () => {
    const x = arange(6);
    const r = reshape(x, [2, -1]);
    assert.deepEqual(r.array(), [[0, 1, 2], [3, 4, 5]]);
    assert.equal(r.values, x.values);
    assert.deepEqual(reshape(r, [-1]).shape, [6]);
    assert.deepEqual(reshape(zeros([0, 3]), [3, 0]).shape, [3, 0]);
    assert.deepEqual(reshape(tensor([5]), []).shape, []);
    assert.equal(reshape(tensor([true, false]), [2, 1]).dtype, "bool");
  });

  it("reshape errors say what cannot be done", () => {
    assert.throws(() => reshape(arange(6), [4, -1]), /reshape: cannot reshape a tensor of shape \[6\] \(6 elements\) into \[4, -1\]/);
    assert.throws(() => reshape(arange(6), [-1, -1]), /at most one dimension may be -1/);
    assert.throws(() => reshape(arange(6), [5]), /into \[5\]/);
    assert.throws(() => reshape(arange(6), [2, 1.5]), /invalid shape/);
  });

  it("expandDims and squeeze, with negative axes", () => {
    const x = tensor([[1, 2, 3]]);
    assert.deepEqual(expandDims(x, -1).shape, [1, 3, 1]);
    assert.deepEqual(expandDims(x, 1).shape, [1, 1, 3]);
    assert.deepEqual(expandDims(x).shape, [1, 1, 3]);
    assert.deepEqual(squeeze(zeros([1, 3, 1, 2])).shape, [3, 2]);
    assert.deepEqual(squeeze(zeros([1, 3, 1, 2]), -2).shape, [1, 3, 2]);
    assert.deepEqual(squeeze(zeros([1, 3, 1]), [0, 2]).shape, [3]);
    assert.throws(() => squeeze(zeros([1, 3]), 1), /squeeze: axis 1 of shape \[1, 3\] has size 3, expected 1/);
    assert.throws(() => expandDims(x, 4), /expandDims: axis 4 is out of range/);
  });

  it("broadcastTo materializes NumPy broadcasting for every dtype", () => {
    assert.deepEqual(broadcastTo(tensor([1, 2]), [2, 2]).array(), [[1, 2], [1, 2]]);
    assert.deepEqual(broadcastTo(tensor([[true], [false]]), [2, 3]).array(), [[true, true, true], [false, false, false]]);
    assert.equal(broadcastTo(tensor([1], [1], "int32"), [3]).dtype, "int32");
    assert.throws(() => broadcastTo(tensor([1, 2, 3]), [2, 2]), /broadcastTo: shapes \[3\] and \[2, 2\] cannot be broadcast/);
    assert.throws(() => broadcastTo(zeros([2, 3]), [3]), /broadcastTo: cannot broadcast \[2, 3\] to \[3\]/);
  });

  it("gradients match finite differences", () => {
    checkGrad((x) => reshape(x, [5, -1]), [odd(3, 5)], { name: "reshape" });
    checkGrad((x) => mul(squeeze(expandDims(x, 1)), x), [odd(3, 4)], { name: "expandDims/squeeze" });
    checkGrad((x) => broadcastTo(x, [2, 3, 4]), [odd(3, 1)], { name: "broadcastTo" });
    checkGrad((x) => sum(mul(broadcastTo(x, [4, 3]), broadcastTo(x, [4, 3]))), [odd(3)], { name: "broadcastTo twice" });
  });
});
