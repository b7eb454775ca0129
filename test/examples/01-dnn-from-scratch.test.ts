// Runs example 01 (the L-layer network with hand-written backprop) in fast mode and checks its building blocks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mul, randomNormal, std, sub, tensor, transpose, oneHot, add, sum } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import {
  GRAD_TOLERANCE, computeCost, initializeParametersDeep, linearBackward, linearForward, lModelBackward, lModelForward,
  main, reluBackward, softmaxBackward, softmaxColumns, updateParameters,
} from "../../examples/01-dnn-from-scratch.js";

describe("example 01: dnn from scratch", () => {
  it("main (fast): hand-written gradients match autodiff, the cost falls, test accuracy > 90%", () => {
    const r = main({ fast: true, log: () => {} });
    assert.deepEqual(Object.keys(r.gradCheck), ["W1", "b1", "W2", "b2", "W3", "b3"]);
    for (const [k, v] of Object.entries(r.gradCheck)) assert.ok(Number.isFinite(v) && v <= GRAD_TOLERANCE, `${k}: relative difference ${v}`);
    assert.equal(r.maxGradRelDiff, Math.max(...Object.values(r.gradCheck)));
    assert.equal(r.costs[0].iteration, 0);
    assert.equal(r.costs.at(-1)!.iteration, r.iterations - 1);
    for (let i = 1; i < r.costs.length; i++) assert.ok(r.costs[i].cost < r.costs[i - 1].cost, `cost rose at ${r.costs[i].iteration}`);
    assert.ok(r.costs.at(-1)!.cost < r.costs[0].cost / 10, `cost ${r.costs[0].cost} -> ${r.costs.at(-1)!.cost}`);
    assert.ok(r.trainAccuracy > 0.95, `train accuracy ${r.trainAccuracy}`);
    assert.ok(r.testAccuracy > 0.9, `test accuracy ${r.testAccuracy}`);
  });

  it("initializeParametersDeep: shapes, zero biases, He scale, seeded", () => {
    const p = initializeParametersDeep([50, 400, 3], 4);
    assert.deepEqual(Object.keys(p), ["W1", "b1", "W2", "b2"]);
    assert.deepEqual(p.W1.shape, [400, 50]);
    assert.deepEqual(p.b1.shape, [400, 1]);
    assert.deepEqual(p.W2.shape, [3, 400]);
    assert.ok(p.b2.values.every((v) => v === 0));
    const s = std(p.W1).item();
    assert.ok(Math.abs(s - Math.sqrt(2 / 50)) < 0.02, `std ${s}`);
    assertClose(initializeParametersDeep([50, 400, 3], 4).W2, p.W2, { rtol: 0, atol: 0 });
  });

  it("linearForward and computeCost on known values", () => {
    const { Z } = linearForward(tensor([[1, 2], [3, 4]]), tensor([[1, -1]]), tensor([[0.5]]));
    assertClose(Z, [[-1.5, -1.5]]);
    // A uniform prediction over 10 classes costs log(10) whatever the labels.
    const AL = mul(tensor(new Float32Array(30).fill(1), [10, 3]), 0.1);
    assertClose(computeCost(AL, transpose(oneHot([1, 7, 2], 10))), tensor(Math.log(10)), { rtol: 1e-6 });
  });

  it("softmaxColumns: columns sum to 1, unchanged by a shift, no overflow", () => {
    const Z = tensor([[1, 1000], [2, 1001], [3, 1002]]);
    const A = softmaxColumns(Z);
    assertClose(sum(A, 0), [1, 1]);
    assertClose(A, softmaxColumns(add(Z, 5)));
    const e = [Math.exp(-2), Math.exp(-1), 1].map((v) => v / (Math.exp(-2) + Math.exp(-1) + 1));
    assertClose(A, [[e[0], e[0]], [e[1], e[1]], [e[2], e[2]]], { rtol: 1e-5 });
  });

  it("reluBackward and softmaxBackward: the local derivatives", () => {
    assertClose(reluBackward(tensor([[1, 2, 3]]), tensor([[-1, 0.5, 2]])), [[0, 2, 3]]);
    // Through the softmax, dAL = -Y / AL becomes AL - Y (the notebook's shortcut).
    const A = softmaxColumns(randomNormal([4, 5], { seed: 3 }));
    const Y = transpose(oneHot([0, 3, 1, 1, 2], 4));
    const dAL = sub(0, tensor(Y.values.map((y, i) => y / A.values[i]), Y.shape));
    assertClose(softmaxBackward(dAL, A), sub(A, Y), { atol: 1e-6 });
  });

  it("linearBackward averages over the batch; lModelBackward gives one gradient per parameter", () => {
    const APrev = tensor([[1, 3], [2, 4]]);
    const W = tensor([[1, -1]]);
    const g = linearBackward(tensor([[1, 2]]), { APrev, W, b: tensor([[0]]) });
    assertClose(g.dW, [[(1 * 1 + 2 * 3) / 2, (1 * 2 + 2 * 4) / 2]]);
    assertClose(g.db, [[1.5]]);
    assertClose(g.dAPrev, [[1, 2], [-1, -2]]);

    const p = initializeParametersDeep([6, 5, 3], 2);
    const X = randomNormal([6, 4], { seed: 5 });
    const { AL, caches } = lModelForward(X, p);
    assert.deepEqual(AL.shape, [3, 4]);
    const grads = lModelBackward(AL, transpose(oneHot([0, 1, 2, 0], 3)), caches);
    assert.deepEqual(Object.keys(grads).sort(), ["dW1", "dW2", "db1", "db2"]);
    for (const k of Object.keys(p)) assert.deepEqual(grads[`d${k}`].shape, p[k].shape, k);
    const next = updateParameters(p, grads, 0.5);
    assertClose(next.W2, sub(p.W2, mul(grads.dW2, 0.5)));
  });
});
