// Runs example 02 (conv and pool layers by hand) and checks its building blocks on known values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GradientTape, maxPool2d, tensor, zeros } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import {
  TOLERANCE, addAt, convBackward, convForward, convSingleStep, createMaskFromWindow, distributeValue, main,
  maxAbsDiff, outputSize, poolBackward, poolForward, zeroPad,
} from "../../examples/02-cnn-by-hand.js";

describe("example 02: cnn by hand", () => {
  it("main (fast): forward passes and gradients match conv2d / maxPool2d / avgPool2d", () => {
    const r = main({ fast: true, log: () => {} });
    const names = r.checks.map((c) => c.name);
    for (const n of ["conv f3 stride2 pad1 Z", "conv f3 stride2 pad1 dAPrev", "conv f3 stride2 pad1 dW", "conv f3 stride2 pad1 db"])
      assert.ok(names.includes(n), n);
    for (const mode of ["max", "average"])
      for (const g of ["f3 stride1", "f3 stride2", "f2 stride1"])
        for (const what of ["A", "dAPrev"]) assert.ok(names.includes(`${mode} pool ${g} ${what}`), `${mode} pool ${g} ${what}`);
    assert.equal(r.checks.length, 16);
    for (const c of r.checks) assert.ok(c.maxAbsDiff <= TOLERANCE, `${c.name}: ${c.maxAbsDiff}`);
    assert.equal(r.digitsAllTiesDiff, undefined);
  });

  it("main (full): more geometries and digit images; the all-ties mask visibly differs on digits", () => {
    const r = main({ fast: false, log: () => {} });
    assert.equal(r.checks.length, 32);
    for (const c of r.checks) assert.ok(c.maxAbsDiff <= TOLERANCE, `${c.name}: ${c.maxAbsDiff}`);
    assert.ok(r.digitsAllTiesDiff! > 0.5, `all-ties mask difference ${r.digitsAllTiesDiff}`);
  });

  it("zeroPad pads height and width only", () => {
    const x = zeroPad(tensor([[[[1], [2]]]]), 1);
    assert.deepEqual(x.shape, [1, 3, 4, 1]);
    assert.deepEqual([...x.values], [0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0]);
    assert.equal(outputSize(5, 3, 1, 2), 3);
    assert.equal(outputSize(7, 3, 1, 2), 4);
  });

  it("convSingleStep and convForward on known values", () => {
    const a = tensor([[[1], [2]], [[3], [4]]]); // [2, 2, 1]
    const w = tensor([[[1], [0]], [[-1], [2]]]);
    assertClose(convSingleStep(a, w, tensor([[[0.5]]])), tensor(1 - 3 + 8 + 0.5));
    // A 3x3 image, a 2x2 filter of ones, stride 1, no padding: sums of 2x2 windows plus the bias.
    const img = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const { Z } = convForward(img, tensor(new Float32Array(4).fill(1), [2, 2, 1, 1]), tensor([10], [1, 1, 1, 1]), { stride: 1, pad: 0 });
    assertClose(Z, [[[[22], [26]], [[34], [38]]]]);
  });

  it("convBackward on known values: db sums dZ, dW correlates input with dZ, dAPrev spreads dZ through W", () => {
    const img = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const W = tensor([1, 2, 3, 4], [2, 2, 1, 1]);
    const { cache } = convForward(img, W, zeros([1, 1, 1, 1]), { stride: 1, pad: 0 });
    const dZ = tensor([1, 0, 0, 1], [1, 2, 2, 1]);
    const g = convBackward(dZ, cache);
    assertClose(g.db, [[[[2]]]]);
    assertClose(g.dW, tensor([1 + 5, 2 + 6, 4 + 8, 5 + 9], [2, 2, 1, 1]));
    assertClose(g.dAPrev, tensor([1, 2, 0, 3, 4 + 1, 2, 0, 3, 4], [1, 3, 3, 1]));
  });

  it("pool forward and backward on known values", () => {
    const x = tensor([1, 5, 2, 0, 3, 4, 7, 1, 6], [1, 3, 3, 1]);
    assertClose(poolForward(x, { f: 2, stride: 1 }, "max").A, tensor([5, 5, 7, 6], [1, 2, 2, 1]));
    assertClose(poolForward(x, { f: 2, stride: 1 }, "average").A, tensor([9 / 4, 14 / 4, 11 / 4, 14 / 4], [1, 2, 2, 1]));
    const { cache } = poolForward(x, { f: 2, stride: 1 }, "max");
    // The 5 is the max of two windows: it collects both gradients.
    assertClose(poolBackward(tensor([1, 2, 3, 4], [1, 2, 2, 1]), cache, "max"), tensor([0, 3, 0, 0, 0, 0, 3, 0, 4], [1, 3, 3, 1]));
    assertClose(distributeValue(2, [2, 2]), [[0.5, 0.5], [0.5, 0.5]]);
    assertClose(addAt(zeros([3, 3]), [1, 1], tensor([[1, 2], [3, 4]])), [[0, 0, 0], [0, 1, 2], [0, 3, 4]]);
  });

  it("createMaskFromWindow: all ties (the notebook) or the first maximum (TF); only the latter matches maxPool2d on ties", () => {
    const w = tensor([[1, 3], [3, 2]]);
    assertClose(createMaskFromWindow(w), [[0, 1], [1, 0]]);
    assertClose(createMaskFromWindow(w, "first"), [[0, 1], [0, 0]]);
    const x = tensor([0, 0, 0, 0], [1, 2, 2, 1]);
    const { cache } = poolForward(x, { f: 2, stride: 2 }, "max");
    const tape = new GradientTape();
    tape.watch(x);
    const y = tape.run(() => maxPool2d(x, { poolSize: 2 }));
    const lib = tape.gradient(y, x);
    const dA = tensor([1], [1, 1, 1, 1]);
    assert.equal(maxAbsDiff(poolBackward(dA, cache, "max", "first"), lib), 0);
    assert.equal(maxAbsDiff(poolBackward(dA, cache, "max", "all"), lib), 1);
  });
});
