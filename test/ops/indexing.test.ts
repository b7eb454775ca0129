import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Tensor, type StridedSliceOptions, arange, gather, gatherNd, grad, mul, oneHot, randomNormal, reshape,
  stridedSlice, sum, tensor, unsortedSegmentSum,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

type Attrs = Record<string, unknown>;
const OPS: Record<string, (i: Record<string, Tensor>, a: Attrs) => Tensor> = {
  stridedSlice: (i, a) =>
    stridedSlice(i.x, a.begin as number[], a.end as number[], a.strides as number[], a as StridedSliceOptions),
  gather: (i, a) => gather(i.x, i.indices, a.axis as number, { batchDims: a.batchDims as number | undefined }),
  gatherNd: (i) => gatherNd(i.x, i.indices),
  oneHot: (i, a) => oneHot(i.indices, a.depth as number, a),
  unsortedSegmentSum: (i, a) => unsortedSegmentSum(i.x, i.indices, a.numSegments as number),
};

const X = reshape(arange(24), [2, 3, 4]);
const odd = (...shape: number[]) => randomNormal(shape, { seed: shape.reduce((a, b) => a * 31 + b, 11), dtype: "float64" });
const i32 = (data: number[] | number[][], shape?: number[]) => tensor(data, shape, "int32");

forEachBackend("indexing ops", () => {
  it("match TensorFlow 2.21 (forward and gradients)", () => {
    const file = loadFixtures("tf/indexing");
    assert.ok(file.cases.length >= 20);
    for (const c of file.cases) {
      const f = OPS[c.op];
      assert.ok(f, `no op for fixture ${c.op}`);
      checkCase(c, (ins) => {
        const out = f(ins, c.attrs);
        assert.equal(out.dtype, c.output.dtype, `${c.name}: dtype`);
        return out;
      });
    }
  });

  it("stridedSlice follows Python slicing (x[1:, ::-2, 0], x[..., None, -1])", () => {
    // x[1:, ::-2, 0] on arange(24).reshape(2, 3, 4): [[20, 12]]
    const a = stridedSlice(X, [1, 0, 0], [0, 0, 1], [1, -2, 1], { endMask: 3, beginMask: 2, shrinkAxisMask: 4 });
    assert.deepEqual(a.array(), [[20, 12]]);
    // x[..., None, -1]: shape [2, 3, 1]
    const b = stridedSlice(X, [0, 0, -1], [0, 0, 0], [1, 1, 1], { ellipsisMask: 1, newAxisMask: 2, shrinkAxisMask: 4 });
    assert.deepEqual(b.array(), [[[3], [7], [11]], [[15], [19], [23]]]);
    // x[::-1] reverses the first axis only
    assert.deepEqual(stridedSlice(X, [0], [0], [-1], { beginMask: 1, endMask: 1 }).array(), [
      [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]],
      [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]],
    ]);
    // x[1, 1:100, -3:-1]: clamped ends
    assert.deepEqual(stridedSlice(X, [1, 1, -3], [2, 100, -1], [1, 1, 1], { shrinkAxisMask: 1 }).array(), [[17, 18], [21, 22]]);
    assert.deepEqual(stridedSlice(X, [0, 2], [2, 1], undefined).shape, [2, 0, 4]);
    assert.equal(stridedSlice(tensor([true, false, true]), [2], [-4], [-2]).dtype, "bool");
    assert.deepEqual(stridedSlice(tensor([true, false, true]), [2], [-4], [-2]).array(), [true, true]);
  });

  it("stridedSlice errors say what is wrong", () => {
    assert.throws(() => stridedSlice(X, [0, 0], [1], [1, 1]), /stridedSlice: begin, end and strides must have the same length, got 2, 1 and 2/);
    assert.throws(() => stridedSlice(X, [0], [1], [0]), /stridedSlice: strides\[0\] must be non-zero/);
    assert.throws(() => stridedSlice(X, [5], [6], [1], { shrinkAxisMask: 1 }), /index 5 \(entry 0\) is out of range for axis 0 of size 2/);
    assert.throws(() => stridedSlice(X, [0], [1], [-1], { shrinkAxisMask: 1 }), /needs a positive stride/);
    assert.throws(() => stridedSlice(X, [0, 0], [1, 1], [1, 1], { ellipsisMask: 3 }), /at most one ellipsis/);
    assert.throws(() => stridedSlice(X, [0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]), /more entries than the 3 axes of \[2, 3, 4\]/);
  });

  it("gather: known values, negative axis, int32 and bool, 2-D indices", () => {
    const m = tensor([[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(gather(m, [2, 0]).array(), [[5, 6], [1, 2]]);
    assert.deepEqual(gather(m, [[1], [1]], -1).array(), [[[2], [2]], [[4], [4]], [[6], [6]]]);
    assert.deepEqual(gather(m, i32([], [0])).shape, [0, 2]);
    assert.deepEqual(gather(m, 1).array(), [3, 4]);
    assert.deepEqual(gather(tensor([true, false]), [1, 1, 0]).array(), [false, false, true]);
    assert.deepEqual(gather(i32([10, 20, 30]), [2]).array(), [30]);
    assert.equal(gather(tensor([1, 2], undefined, "float64"), [0]).dtype, "float64");
  });

  it("gather errors name the index and the dimension", () => {
    const m = tensor([[1, 2], [3, 4], [5, 6]]);
    assert.throws(() => gather(m, [0, 3]), /gather: indices\[1\] = 3 is out of range \[0, 3\) for axis 0 of shape \[3, 2\]/);
    assert.throws(() => gather(m, [[0, 1], [-1, 0]], 1), /gather: indices\[1, 0\] = -1 is out of range \[0, 2\) for axis 1/);
    assert.throws(() => gather(m, [0.5]), /gather: indices must be integers, got 0.5/);
    assert.throws(() => gather(m, tensor([0])), /gather: indices must have dtype int32, got float32/);
    assert.throws(() => gather(m, [0], 2), /gather: axis 2 is out of range/);
    assert.throws(() => gather(m, [[0]], 1, { batchDims: 1 }), /must agree on the first 1 dimensions/);
    assert.throws(() => gather(m, [[0], [1], [5]], 1, { batchDims: 1 }), /indices\[2, 0\] = 5 is out of range \[0, 2\)/);
  });

  it("gatherNd, oneHot and unsortedSegmentSum on known values", () => {
    assert.deepEqual(gatherNd(X, [[1, 2], [0, 0]]).array(), [[20, 21, 22, 23], [0, 1, 2, 3]]);
    assert.deepEqual(gatherNd(X, [[1, 2, 3]]).array(), [23]);
    assert.throws(() => gatherNd(X, [[2, 0]]), /gatherNd: index 2 .* out of range \[0, 2\)/);
    assert.deepEqual(oneHot([1, 0, 5], 3).array(), [[0, 1, 0], [1, 0, 0], [0, 0, 0]]);
    assert.deepEqual(oneHot([[1], [2]], 3, { dtype: "int32", onValue: 7 }).array(), [[[0, 7, 0]], [[0, 0, 7]]]);
    assert.deepEqual(oneHot([0, 2], 3, { axis: 0 }).array(), [[1, 0], [0, 0], [0, 1]]);
    assert.throws(() => oneHot([0], -1), /oneHot: depth must be a non-negative integer/);
    assert.deepEqual(unsortedSegmentSum(tensor([[1, 2], [3, 4], [5, 6]]), [1, 0, 1], 3).array(), [[3, 4], [6, 8], [0, 0]]);
    assert.throws(() => unsortedSegmentSum(tensor([1, 2]), [0, 3], 2), /unsortedSegmentSum: indices\[1\] = 3 is out of range \[0, 2\)/);
  });

  it("gradients match finite differences (repeated indices accumulate)", () => {
    const x = odd(4, 5, 3);
    const cases: [string, (x: Tensor) => Tensor][] = [
      ["stridedSlice", (t) => stridedSlice(t, [3, 0, 0], [0, 5, 3], [-2, 2, 1])],
      ["stridedSlice masks", (t) => stridedSlice(t, [0, 1, 0], [0, 0, 0], [1, 1, -1], { ellipsisMask: 1, newAxisMask: 2, beginMask: 4, endMask: 4 })],
      ["stridedSlice shrink", (t) => stridedSlice(t, [1, -1], [2, 0], [1, 1], { shrinkAxisMask: 3 })],
      ["gather", (t) => gather(t, [[3, 0, 3], [1, 1, 2]], 0)],
      ["gather axis", (t) => gather(t, [2, 2, 0], -1)],
      ["gather batchDims", (t) => gather(t, [[0, 4], [1, 1], [3, 3], [2, 0]], 1, { batchDims: 1 })],
      ["gatherNd", (t) => gatherNd(t, [[0, 1], [3, 4], [0, 1]])],
      ["unsortedSegmentSum", (t) => unsortedSegmentSum(t, [[0, 2, 2, 1, 0], [1, 1, 0, 0, 2], [2, 2, 2, 2, 2], [0, 0, 0, 0, 1]], 3)],
    ];
    for (const [name, f] of cases) checkGrad(f, [x], { name });
  });

  it("second-order gradients through gather and stridedSlice", () => {
    const f = (t: Tensor) => sum(mul(gather(t, [0, 2, 2, 1]), stridedSlice(t, [3], [-5], [-1])));
    checkGrad((t) => grad(f)(t), [odd(4, 2)], { name: "gather/stridedSlice''" });
    // d/dx of sum(x[idx]^2) counts repeats: 2 * count * x
    const g = grad((t) => sum(mul(gather(t, [1, 1, 0]), gather(t, [1, 1, 0]))))(tensor([3, 5]));
    assertClose(g, [6, 20]);
  });
});
