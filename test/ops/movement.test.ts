import assert from "node:assert/strict";
import { it } from "node:test";
import {
  type Tensor, add, arange, concat, flip, grad, mul, pad, randomNormal, repeat, reverse, slice, split,
  stack, sum, tensor, tile, transpose, unstack, zeros,
} from "../../src/index.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

type Attrs = Record<string, unknown>;
type Pads = [number, number][];
const OPS: Record<string, (i: Record<string, Tensor>, a: Attrs) => Tensor> = {
  concat: (i, a) => concat(Object.values(i), a.axis as number),
  stack: (i, a) => stack(Object.values(i), a.axis as number),
  tile: (i, a) => tile(i.x, a.reps as number[]),
  pad: (i, a) => pad(i.x, a.paddings as Pads, { mode: a.mode as "constant", value: a.value as number | undefined }),
  reverse: (i, a) => reverse(i.x, a.axes as number[]),
  slice: (i, a) => slice(i.x, a.begin as number[], a.size as number[]),
  repeat: (i, a) => repeat(i.x, a.repeats as number, (a.axis ?? undefined) as number | undefined),
  transpose: (i, a) => transpose(i.x, a.perm as number[]),
};

const ALL_DTYPES = ["float32", "float64", "int32", "bool"] as const;
const M = tensor([[1, 2, 3], [4, 5, 6]]);
const odd = (...shape: number[]) => randomNormal(shape, { seed: shape.reduce((a, b) => a * 31 + b, 7), dtype: "float64" });

forEachBackend("movement ops", () => {
  it("match TensorFlow 2.21 (forward and gradients)", () => {
    const file = loadFixtures("tf/movement");
    assert.ok(file.cases.length >= 14);
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

  it("slice: known values, -1 sizes, short begin, errors", () => {
    assert.deepEqual(slice(M, [0, 1], [2, -1]).array(), [[2, 3], [5, 6]]);
    assert.deepEqual(slice(M, [1]).array(), [[4, 5, 6]]);
    assert.deepEqual(slice(M, [1, 3], [1, 0]).shape, [1, 0]);
    assert.throws(() => slice(M, [1, 2], [2, 1]), /slice: begin \[1, 2\] with size \[2, 1\] does not fit axis 0 of \[2, 3\]/);
    assert.throws(() => slice(M, [-1, 0], [1, 1]), /does not fit axis 0/);
    assert.throws(() => slice(M, [0, 0, 0]), /at most the rank/);
  });

  it("concat/stack/unstack/split: known values, negative axes, mixed dtypes, errors", () => {
    const b = tensor([[7], [8]]);
    assert.deepEqual(concat([M, b], -1).array(), [[1, 2, 3, 7], [4, 5, 6, 8]]);
    assert.deepEqual(concat([M, zeros([0, 3])], 0).array(), M.array());
    const mixed = concat([tensor([1, 2], [2], "int32"), tensor([0.5])]);
    assert.equal(mixed.dtype, "float32");
    assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], 1).array(), [[1, 3], [2, 4]]);
    assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], -1).shape, [2, 2]);
    const [u0, u1, u2] = unstack(M, -1);
    assert.deepEqual(u1.array(), [2, 5]);
    assert.deepEqual([u0.shape, u2.shape], [[2], [2]]);
    const parts = split(arange(10), [3, -1, 2]);
    assert.deepEqual(parts.map((p) => [...p.data()]), [[0, 1, 2], [3, 4, 5, 6, 7], [8, 9]]);
    assert.deepEqual(split(M, 3, 1).map((p) => p.shape), [[2, 1], [2, 1], [2, 1]]);
    assert.throws(() => concat([M, tensor([[1, 2]])], 1), /concat: tensor 1 has shape \[1, 2\], incompatible with \[2, 3\] along axis 1/);
    assert.throws(() => concat([]), /at least one tensor/);
    assert.throws(() => concat([tensor(1), tensor(2)]), /use stack/);
    assert.throws(() => stack([M, b]), /stack: tensor 1 has shape \[2, 1\], expected \[2, 3\]/);
    assert.throws(() => split(M, 2, 1), /split: axis 1 of \[2, 3\] \(size 3\) cannot be split into 2 equal parts/);
    assert.throws(() => split(M, [2, -1, -1], 1), /at most one -1/);
    assert.throws(() => split(M, [1, 1], 1), /do not add up to 3/);
    assert.throws(() => concat([M], 2), /concat: axis 2 is out of range for a tensor of rank 2/);
  });

  it("tile/pad/reverse/repeat/transpose: NumPy-known values", () => {
    assert.deepEqual(tile(tensor([[1, 2]]), [2, 2]).array(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    assert.deepEqual(tile(M, [0, 1]).shape, [0, 3]);
    const v = tensor([1, 2, 3]);
    assert.deepEqual(pad(v, [[2, 2]], { mode: "reflect" }).array(), [3, 2, 1, 2, 3, 2, 1]); // np.pad reflect
    assert.deepEqual(pad(v, [[2, 3]], { mode: "symmetric" }).array(), [2, 1, 1, 2, 3, 3, 2, 1]); // np.pad symmetric
    assert.deepEqual(pad(v, [[1, 0]], { value: -1 }).array(), [-1, 1, 2, 3]);
    assert.deepEqual(pad(M, [[0, 0], [1, 1]], { mode: "REFLECT" as "reflect" }).array(), [[2, 1, 2, 3, 2], [5, 4, 5, 6, 5]]);
    assert.deepEqual(reverse(M, [0, 1]).array(), [[6, 5, 4], [3, 2, 1]]);
    assert.deepEqual(reverse(M, -1).array(), [[3, 2, 1], [6, 5, 4]]);
    assert.deepEqual(flip(M, 0).array(), [[4, 5, 6], [1, 2, 3]]); // Keras/NumPy name
    assert.deepEqual(repeat(M, 2, 0).array(), [[1, 2, 3], [1, 2, 3], [4, 5, 6], [4, 5, 6]]);
    assert.deepEqual(repeat(tensor([1, 2]), [0, 3]).array(), [2, 2, 2]);
    assert.deepEqual(transpose(M).array(), [[1, 4], [2, 5], [3, 6]]);
    assert.throws(() => pad(v, [[3, 0]], { mode: "reflect" }), /pad: reflect padding \[3, 0\] of axis 0 \(size 3\) must be at most 2/);
    assert.throws(() => pad(v, [[4, 0]], { mode: "symmetric" }), /must be at most 3/);
    assert.throws(() => pad(M, [[1, 1]]), /pad: expected 2 \[before, after\] pairs for \[2, 3\], got 1/);
    assert.throws(() => pad(v, [[1, 1]], { mode: "edge" as "reflect" }), /mode must be/);
    assert.throws(() => tile(M, [2]), /tile: reps \[2\] must hold one non-negative integer per axis of \[2, 3\]/);
    assert.throws(() => repeat(M, [1, 2, 3], 0), /repeat: repeats must be/);
    assert.throws(() => transpose(M, [0, 0]), /not a permutation/);
  });

  it("kernels work for every dtype", () => {
    for (const dt of ALL_DTYPES) {
      const x = tensor([[1, 0, 3], [0, 5, 0]], undefined, dt);
      const vals = (t: Tensor) => [...t.data()];
      const one = dt === "bool" ? 1 : undefined;
      assert.equal(slice(x, [0, 1], [2, 2]).dtype, dt);
      assert.deepEqual(vals(slice(x, [0, 1], [2, 2])), [0, 3, 5, 0].map((a) => (one && a ? 1 : a)));
      assert.deepEqual(vals(concat([x, x], 0)).length, 12);
      assert.equal(concat([x, x], 1).dtype, dt);
      assert.deepEqual(vals(reverse(x, 1)), [3, 0, 1, 0, 5, 0].map((a) => (one && a ? 1 : a)));
      assert.deepEqual(vals(tile(x, [1, 2])).length, 12);
      assert.deepEqual(vals(pad(x, [[0, 0], [1, 0]], { value: 1 })), [1, 1, 0, 3, 1, 0, 5, 0].map((a) => (one && a ? 1 : a)));
      assert.deepEqual(vals(pad(x, [[1, 0], [0, 0]], { mode: "symmetric" })), vals(concat([slice(x, [0], [1]), x])));
      assert.equal(stack([x, x], 2).dtype, dt);
      assert.equal(split(x, 3, 1)[2].dtype, dt);
      assert.equal(transpose(x).dtype, dt);
    }
  });

  it("gradients match finite differences", () => {
    const x3 = odd(3, 4, 5);
    const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
      ["slice", (x) => slice(x, [1, 0, 2], [2, -1, 3]), [x3]],
      ["transpose", (x) => transpose(x, [1, 2, 0]), [x3]],
      ["concat", (a, b, c) => concat([a, b, c], 1), [odd(2, 3), odd(2, 1), odd(2, 4)]],
      ["concat neg axis", (a, b) => concat([a, b], -3), [odd(1, 3, 2), odd(2, 3, 2)]],
      ["stack", (a, b) => stack([a, b], -1), [odd(3, 2), odd(3, 2)]],
      ["unstack", (x) => { const [a, b, c] = unstack(x, 1); return add(mul(a, 2), mul(b, c)); }, [odd(2, 3, 5)]],
      ["unstack unused outputs", (x) => unstack(x, 0)[1], [odd(3, 2)]],
      ["split", (x) => { const [a, b] = split(x, [2, -1], -1); return mul(sum(a), b); }, [odd(2, 5)]],
      ["tile", (x) => tile(x, [2, 3, 1]), [x3]],
      ["pad constant", (x) => pad(x, [[1, 0], [0, 2], [3, 1]], { value: 2 }), [x3]],
      ["pad reflect", (x) => pad(x, [[2, 1], [3, 3], [1, 4]], { mode: "reflect" }), [x3]],
      ["pad symmetric", (x) => pad(x, [[3, 2], [4, 1], [0, 5]], { mode: "symmetric" }), [x3]],
      ["reverse", (x) => reverse(x, [0, 2]), [x3]],
      ["repeat", (x) => repeat(x, [1, 0, 3], 0), [x3]],
      ["repeat flat", (x) => repeat(x, 2), [odd(2, 3)]],
    ];
    for (const [name, f, xs] of cases) checkGrad(f, xs, { name });
  });

  it("second-order gradients through movement", () => {
    // Each op's gradient is made of ops, so a gradient of a gradient flows back through it.
    const f = (x: Tensor) => sum(mul(pad(x, [[1, 2], [2, 1]], { mode: "reflect" }), pad(x, [[0, 3], [1, 2]])));
    checkGrad((x) => grad(f)(x), [odd(4, 3)], { name: "pad''" });
    const g = (x: Tensor) => sum(mul(tile(x, [1, 2]), concat([reverse(x, 0), x], 1)));
    checkGrad((x) => grad(g)(x), [odd(3, 3)], { name: "tile/concat/reverse''" });
    const h = (x: Tensor) => { const [a, b] = split(x, 2, 0); return sum(mul(mul(a, b), slice(x, [1], [2]))); };
    checkGrad((x) => grad(h)(x), [odd(4, 2)], { name: "split/slice''" });
  });
});
