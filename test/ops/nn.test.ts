import assert from "node:assert/strict";
import { it } from "node:test";
import {
  Generator, grad, mul, ones, randomUniform, sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropyWithLogits, sum, tensor, dropout,
} from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { forEachBackend } from "../helpers/backends.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkCase } from "./nn-fixtures.js";

const rand = (shape: number[], seed: number, lo = -1, hi = 1) => randomUniform(shape, { seed, minval: lo, maxval: hi, dtype: "float64" });

forEachBackend("nn: TF cross-entropy fixtures", () => {
  const f = loadFixtures("tf/softmax_ce");
  it(`matches ${f.cases.length} TF softmax / sparse / sigmoid cross-entropy cases, extreme logits included`, () => {
    assert.ok(f.cases.length >= 6);
    for (const c of f.cases) {
      if (c.op === "softmaxCrossEntropyWithLogits")
        checkCase(c, (t) => softmaxCrossEntropyWithLogits(t.labels, t.logits, c.attrs.axis as number));
      else if (c.op === "sparseSoftmaxCrossEntropyWithLogits") checkCase(c, (t) => sparseSoftmaxCrossEntropyWithLogits(t.labels, t.logits));
      else checkCase(c, (t) => sigmoidCrossEntropyWithLogits(t.labels, t.logits));
    }
  });
});

forEachBackend("nn: gradient checks", () => {
  it("softmaxCrossEntropyWithLogits, soft labels not summing to one, both inputs, axis 0", () => {
    checkGrad((y, z) => softmaxCrossEntropyWithLogits(y, z), [rand([3, 4], 1, 0, 1), rand([3, 4], 2, -3, 3)], { name: "softmax CE" });
    checkGrad((y, z) => softmaxCrossEntropyWithLogits(y, z, 0), [rand([4, 2], 3, 0, 1), rand([4, 2], 4, -3, 3)], { name: "softmax CE axis 0" });
  });
  it("sparseSoftmaxCrossEntropyWithLogits", () => {
    const labels = tensor([0, 3, 2, 1, 3, 0], [2, 3], "int32");
    checkGrad((z) => sparseSoftmaxCrossEntropyWithLogits(labels, z), [rand([2, 3, 4], 5, -3, 3)], { name: "sparse CE" });
  });
  it("sigmoidCrossEntropyWithLogits, both inputs, and the true slope 0.5 - z at x = 0", () => {
    checkGrad((y, z) => sigmoidCrossEntropyWithLogits(y, z), [rand([3, 4], 6, 0, 1), rand([3, 4], 7, -5, 5)], { name: "sigmoid CE" });
    const g = grad((x) => sum(sigmoidCrossEntropyWithLogits(tensor([0.2, 1]), x)))(tensor([0, 0]));
    assertClose(g, [0.3, -0.5]);
  });
  it("dropout: the gradient is the mask", () => {
    checkGrad((x) => dropout(x, 0.3, { seed: 9 }), [rand([4, 5], 8)], { name: "dropout" });
  });
});

forEachBackend("nn: values and errors", () => {
  it("cross-entropies stay finite for huge logits", () => {
    const ce = softmaxCrossEntropyWithLogits(tensor([[0, 1]]), tensor([[1000, -1000]]));
    assertClose(ce, [2000]);
    assertClose(sparseSoftmaxCrossEntropyWithLogits(tensor([0], [1], "int32"), tensor([[-1000, 1000]])), [2000]);
    assertClose(sigmoidCrossEntropyWithLogits(tensor([1, 0]), tensor([-1000, 1000])), [1000, 1000]);
    assertClose(sigmoidCrossEntropyWithLogits(tensor([1, 0]), tensor([1000, -1000])), [0, 0]);
  });
  it("dropout keeps about 1 - rate, scales by 1 / (1 - rate), and is reproducible", () => {
    const x = ones([100, 100]);
    const y = dropout(x, 0.25, { seed: 1 });
    let kept = 0;
    for (const v of y.values) {
      if (v !== 0) {
        kept++;
        assert.ok(Math.abs(v - 4 / 3) < 1e-6);
      }
    }
    assert.ok(Math.abs(kept / 1e4 - 0.75) < 0.02, `kept fraction ${kept / 1e4}`);
    assert.deepEqual(dropout(x, 0.25, { seed: 1 }).values, y.values);
    assert.notDeepEqual(dropout(x, 0.25, { seed: 2 }).values, y.values);
    const g = new Generator(5);
    assert.notDeepEqual(dropout(x, 0.25, { seed: g }).values, dropout(x, 0.25, { seed: g }).values);
    assert.equal(dropout(x, 0.25, { training: false }), x);
    assert.equal(dropout(x, 0), x);
  });
  it("dropout with a noise shape shares the mask along broadcast axes", () => {
    const y = dropout(ones([3, 50]), 0.5, { seed: 3, noiseShape: [1, null] });
    const row = Array.from(y.values.slice(0, 50));
    assert.deepEqual(Array.from(y.values.slice(50, 100)), row);
    assert.deepEqual(Array.from(y.values.slice(100, 150)), row);
    assert.ok(row.some((v) => v === 0) && row.some((v) => v === 2));
  });
  it("names the op and shapes in its errors", () => {
    assert.throws(() => dropout(ones([2]), 1), /dropout: rate must be in \[0, 1\), got 1/);
    assert.throws(() => dropout(ones([2, 3]), 0.5, { noiseShape: [2, 2] }), /dropout: noiseShape \[2,2\] does not broadcast/);
    assert.throws(() => sparseSoftmaxCrossEntropyWithLogits(tensor([3], [1], "int32"), ones([1, 3])), /label 3 at position 0 is outside the valid range \[0, 3\)/);
    assert.throws(() => sparseSoftmaxCrossEntropyWithLogits(tensor([0, 1], [2], "int32"), ones([3, 3])), /labels \[2\] must have the shape of logits \[3, 3\]/);
    assert.throws(() => softmaxCrossEntropyWithLogits(ones([2, 3]), ones([2, 4])), /labels \[2, 3\] and logits \[2, 4\] must have the same shape/);
    assert.throws(() => mul(sigmoidCrossEntropyWithLogits(ones([2]), tensor([1, 2], [2], "int32")), 1), /logits must be float/);
  });
});
